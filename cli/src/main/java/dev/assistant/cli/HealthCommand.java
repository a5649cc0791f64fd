package dev.assistant.cli;

import dev.assistant.cli.status.ExitCodes;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code assistant health}: the gateway's standard gRPC health check. The gateway reports SERVING
 * only once it reaches Kafka, so this answers "can I send work now", not just "is a port open".
 */
@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    description = "Check that the gateway is serving (exit 0), else exit 14 (UNAVAILABLE).")
final class HealthCommand implements Callable<Integer> {
  static final String SERVICE = "assistant.api.v1.Assistant";

  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    ManagedChannel channel = client.openChannel();
    try {
      long ms = client.deadline() == null ? 10_000 : client.deadline().toMillis();
      HealthCheckResponse r =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(ms, TimeUnit.MILLISECONDS)
              .check(HealthCheckRequest.newBuilder().setService(SERVICE).build());
      boolean serving = r.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
      if (client.json()) {
        System.out.printf(
            "{\"target\":\"%s\",\"status\":\"%s\"}%n", client.target(), r.getStatus());
      } else {
        System.out.println(client.target() + ": " + r.getStatus());
      }
      return serving ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
    } finally {
      ClientOptions.close(channel);
    }
  }
}
