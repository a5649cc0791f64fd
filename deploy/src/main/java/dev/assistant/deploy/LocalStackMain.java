package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code deploy/bin/run-local.sh}: runs the whole assistant on this machine until Ctrl-C / SIGTERM,
 * then stops it in reverse order. {@code stop} stops what a killed launcher left behind.
 */
public final class LocalStackMain {
  static final String USAGE =
      """
      usage: deploy/bin/run-local.sh [--config FILE] [--services gateway,stt,llm,tts]
                                     [--external-kafka] [--grpc-port N] [--run-dir DIR]
             deploy/bin/run-local.sh stop [--run-dir DIR]
      Starts a Kafka broker (or uses kafka.bootstrap.servers with --external-kafka), creates the
      topics, then the stt, llm and tts workers and the gateway. Ctrl-C stops everything.
      Configuration keys and ASSISTANT_* variables: docs/deploy.md.""";

  private static final Map<String, String> FLAGS =
      Map.of(
          "services", "launcher.services",
          "external-kafka", "broker.mode=external",
          "grpc-port", StackService.GRPC_PORT_KEY,
          "run-dir", "launcher.run.dir",
          "kafka-port", "broker.port");

  private LocalStackMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(USAGE);
      return 0;
    }
    Path repoRoot = Path.of(System.getProperty("repo.root", ".")).toAbsolutePath().normalize();
    try {
      CommandLine cli = CommandLine.parse(args, FLAGS);
      Config config = cli.config();
      StackOptions options = StackOptions.from(config, repoRoot);
      if (cli.words.equals(java.util.List.of("stop"))) {
        int n = LocalStack.stopLeftovers(options, options.stopTimeout());
        System.out.println(n == 0 ? "nothing was running" : "stopped " + n + " processes");
        return 0;
      }
      if (!cli.words.isEmpty()) {
        System.err.println("unknown command " + cli.words + "\n" + USAGE);
        return 2;
      }
      return runStack(config, options);
    } catch (ConfigException | StackException e) {
      System.err.println("run-local: " + e.getMessage());
      return 1;
    }
  }

  private static int runStack(Config config, StackOptions options) {
    LocalStack stack = LocalStack.start(config, options);
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-shutdown"));
    System.out.println(banner(stack));
    return stack.awaitTermination();
  }

  static String banner(LocalStack stack) {
    StackOptions o = stack.options();
    String metrics =
        stack.metricsEndpoints().entrySet().stream()
            .map(e -> String.format("    %-8s %s", e.getKey().id(), e.getValue()))
            .collect(Collectors.joining("\n"));
    String grpc =
        o.services().contains(StackService.GATEWAY)
            ? stack.grpcEndpoint() + "  (plaintext; grpc.health.v1 and reflection enabled)"
            : "(gateway not started)";
    return String.join(
        "\n",
        "",
        "The assistant is running.",
        "  gRPC endpoint   " + grpc,
        "  Kafka           " + stack.bootstrapServers(),
        "  metrics         (Prometheus text format)",
        metrics,
        "  logs            " + o.logDir(),
        "  service configs " + o.configDir(),
        "Press Ctrl-C to stop everything.",
        "");
  }
}
