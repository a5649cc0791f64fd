package dev.assistant.deploy;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * Asks the standard gRPC health service ({@code grpc.health.v1.Health/Check}, whole server) for
 * {@code SERVING}. The gateway reports {@code SERVING} only once Kafka is reachable, so this also
 * proves the gateway talks to the broker.
 */
final class GrpcHealthProbe implements ReadinessProbe {
  private final String target;
  private final ManagedChannel channel;

  GrpcHealthProbe(String host, int port) {
    this.target = host + ":" + port;
    this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
  }

  @Override
  public boolean isReady() {
    return status() == HealthCheckResponse.ServingStatus.SERVING;
  }

  /** The server's status, or {@code UNKNOWN} when it does not answer. */
  HealthCheckResponse.ServingStatus status() {
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(2, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
    } catch (StatusRuntimeException e) {
      return HealthCheckResponse.ServingStatus.UNKNOWN;
    }
  }

  @Override
  public String describe() {
    return "gRPC health of " + target;
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
