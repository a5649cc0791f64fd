package dev.assistant.gateway.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.WatchRequest;
import dev.assistant.gateway.GatewayMetrics;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallMetricsInterceptorTest {
  private Server server;
  private ManagedChannel channel;

  /** A Watch that never sends anything and never ends by itself. */
  private static final class SilentService extends AssistantGrpc.AssistantImplBase {
    @Override
    public void watch(WatchRequest request, StreamObserver<Event> responses) {}
  }

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(
                ServerInterceptors.intercept(new SilentService(), new CallMetricsInterceptor()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void callsEndedByTheirDeadlineNoLongerCountAsOpen() throws Exception {
    GatewayMetrics metrics = GatewayMetrics.get();
    double before = metrics.inflight.get();
    for (int i = 0; i < 2; i++) {
      StatusRuntimeException e =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  AssistantGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(100, TimeUnit.MILLISECONDS)
                      .watch(WatchRequest.newBuilder().setRequestId("x").build())
                      .hasNext());
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (metrics.inflight.get() != before && System.nanoTime() < until) {
      Thread.sleep(10); // the server hears the cancellation on its own thread
    }
    assertEquals(before, metrics.inflight.get());
  }
}
