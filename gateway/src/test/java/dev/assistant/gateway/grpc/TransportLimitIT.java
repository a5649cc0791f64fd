package dev.assistant.gateway.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.Image;
import dev.assistant.common.config.Config;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An oversize image on a real HTTP/2 transport is refused by the validator, field named. */
class TransportLimitIT {
  @Test
  void anImageFarAboveItsLimitGetsTheFieldErrorNotATransportError() throws Exception {
    GatewaySettings settings = GatewaySettings.from(Config.empty());
    Limits limits = settings.limits();
    // Validation comes before anything is published, so no Kafka is needed to reach it.
    AssistantService service =
        new AssistantService(
            "gw",
            null,
            null,
            new Admission(10, Optional::empty, Duration.ofSeconds(1)),
            settings,
            CatalogCheck.none());
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .maxInboundMessageSize((int) limits.transportMessageBytes())
            .addService(service)
            .build()
            .start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .usePlaintext()
            .maxInboundMessageSize(1 << 20)
            .build();
    try {
      byte[] png = new byte[(int) (50L << 20)]; // above the old 48 MiB transport limit
      png[0] = (byte) 0x89;
      png[1] = 'P';
      png[2] = 'N';
      png[3] = 'G';
      StatusRuntimeException e =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  AssistantGrpc.newBlockingStub(channel)
                      .ask(
                          AskRequest.newBuilder()
                              .setPrompt("what is it?")
                              .setImage(Image.newBuilder().setData(ByteString.copyFrom(png)))
                              .build())
                      .hasNext());
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
      assertTrue(
          e.getStatus().getDescription().startsWith("image: 52428800 bytes exceeds the limit"),
          e.getStatus().getDescription());
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }
}
