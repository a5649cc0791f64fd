package dev.assistant.cli;

import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.CancelRequest;
import dev.assistant.api.v1.CancelResponse;
import dev.assistant.cli.status.ExitCodes;
import io.grpc.ManagedChannel;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code assistant cancel ID}. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a request.")
final class CancelCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "ID", description = "The request ID.")
  String id;

  @Override
  public Integer call() {
    ManagedChannel channel = client.openChannel();
    try {
      long ms = client.deadline() == null ? 30_000 : client.deadline().toMillis();
      CancelResponse r =
          AssistantGrpc.newBlockingStub(channel)
              .withDeadlineAfter(ms, TimeUnit.MILLISECONDS)
              .cancel(CancelRequest.newBuilder().setRequestId(id).build());
      if (client.json()) {
        System.out.printf(
            "{\"request_id\":\"%s\",\"was_running\":%s}%n", r.getRequestId(), r.getWasRunning());
      } else {
        System.out.println(
            r.getWasRunning()
                ? "cancelled " + r.getRequestId()
                : r.getRequestId() + " had already finished; nothing to cancel");
      }
      return ExitCodes.OK;
    } finally {
      ClientOptions.close(channel);
    }
  }
}
