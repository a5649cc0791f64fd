package dev.assistant.cli;

import dev.assistant.cli.status.CliException;
import dev.assistant.cli.status.ExitCodes;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/** Options every command that calls the gateway shares: where it is, how long to wait, output. */
public final class ClientOptions {
  @Option(
      names = "--target",
      defaultValue = "${env:ASSISTANT_TARGET:-127.0.0.1:50051}",
      description = "Gateway host:port (default: ${DEFAULT-VALUE}; env ASSISTANT_TARGET).")
  String target;

  @Option(
      names = "--deadline",
      converter = DurationConverter.class,
      description =
          "Give up on a call after this long (e.g. 30s, 5m, 1h; for batch: each job's own"
              + " deadline). Default: none.")
  Duration deadline;

  @Option(names = "--json", description = "Print events (and summaries) as JSON lines on stdout.")
  boolean json;

  @Option(
      names = "--tenant",
      defaultValue = "",
      description = "Tenant name sent with requests (quotas, metrics).")
  String tenant;

  /** A plaintext channel to the target; the caller closes it. */
  public ManagedChannel openChannel() {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new CliException(ExitCodes.USAGE, "--target: expected host:port, got '" + target + "'");
    }
    String host = target.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new CliException(ExitCodes.USAGE, "--target: port is not a number in '" + target + "'");
    }
    return NettyChannelBuilder.forAddress(host, port)
        .usePlaintext()
        // Unary requests carry whole images and recordings; the gateway accepts up to 64 MiB.
        .maxInboundMessageSize(64 * 1024 * 1024)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build();
  }

  public Duration deadline() {
    return deadline;
  }

  public boolean json() {
    return json;
  }

  public String tenant() {
    return tenant;
  }

  public String target() {
    return target;
  }

  /** Closes a channel without hanging the command on a stuck connection. */
  public static void close(ManagedChannel channel) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
