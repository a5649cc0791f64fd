package dev.assistant.cli;

import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.WatchRequest;
import dev.assistant.cli.output.EventOutput;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code assistant watch ID}: the events of a running or finished request. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = "Print the events of a request (running, or finished while retained).")
final class WatchCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "ID", description = "The request ID.")
  String id;

  @Option(names = "--from", defaultValue = "1", description = "First sequence number (default 1).")
  long from;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the spoken answer here (WAV).")
  Path out;

  @Override
  public Integer call() throws IOException {
    ManagedChannel channel = client.openChannel();
    try (EventOutput output = new EventOutput(System.out, System.err, client.json(), out, null)) {
      AssistantGrpc.AssistantBlockingStub stub = AssistantGrpc.newBlockingStub(channel);
      if (client.deadline() != null) {
        stub = stub.withDeadlineAfter(client.deadline().toMillis(), TimeUnit.MILLISECONDS);
      }
      return EventStreams.drain(
          stub.watch(WatchRequest.newBuilder().setRequestId(id).setFromSequence(from).build()),
          output);
    } finally {
      ClientOptions.close(channel);
    }
  }
}
