package dev.assistant.cli;

import dev.assistant.cli.status.CliException;
import dev.assistant.cli.status.ExitCodes;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code assistant} command: talks to a running deployment through its public gRPC API only, so
 * it works against any gateway a user can reach and can never depend on server internals.
 */
@Command(
    name = "assistant",
    mixinStandardHelpOptions = true,
    versionProvider = AssistantCli.Version.class,
    description = "Talk to the voice-and-vision assistant: ask, converse, batch, eval.",
    subcommands = {
      AskCommand.class,
      ConverseCommand.class,
      BatchCommand.class,
      EvalCommand.class,
      WatchCommand.class,
      CancelCommand.class,
      HealthCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:OK",
      "1-16:the gRPC status code of the failed call or of the request's error event"
          + " (3 INVALID_ARGUMENT also for unusable local input, 5 NOT_FOUND, 8 RESOURCE_EXHAUSTED,"
          + " 14 UNAVAILABLE)",
      "64:bad command line",
      "65:batch finished but some items failed (see results.jsonl)",
      "74:a local file could not be written"
    })
public final class AssistantCli {

  /** Entry point; exits with the code of the command (see the exit code table). */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this in-process). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new AssistantCli());
    cli.setExecutionExceptionHandler(AssistantCli::handle);
    cli.setParameterExceptionHandler(
        (e, a) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println("error: " + e.getMessage());
          e.getCommandLine().usage(err);
          return ExitCodes.USAGE;
        });
    return cli.execute(args);
  }

  private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    if (e instanceof StatusRuntimeException s) {
      err.println("error: " + describe(s));
      return ExitCodes.of(s.getStatus());
    }
    if (e instanceof CliException c) {
      err.println("error: " + c.getMessage());
      return c.exitCode();
    }
    err.println("error: " + e);
    return ExitCodes.SOFTWARE;
  }

  /**
   * The status line, plus what the transport said (gRPC's own "io exception" names no address) and,
   * when nothing answered, where the command looked.
   */
  static String describe(StatusRuntimeException s) {
    StringBuilder b = new StringBuilder(ExitCodes.describe(s.getStatus()));
    Throwable cause = s.getStatus().getCause();
    while (cause != null && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause != null && cause.getMessage() != null) {
      b.append(" (").append(cause.getMessage()).append(')');
    }
    if (s.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
      b.append("; is the gateway running at that address? (--target, env ASSISTANT_TARGET)");
    }
    return b.toString();
  }

  /** Version from the jar manifest (absent when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AssistantCli.class.getPackage().getImplementationVersion();
      return new String[] {"assistant " + (v == null ? "(development build)" : v)};
    }
  }
}
