package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code deploy/bin/run-local.sh}: runs the whole assistant on this machine until Ctrl-C / SIGTERM,
 * restarting whatever crashes, then stops it in reverse order. {@code restart NAME} restarts an
 * instance of a running stack from another shell; {@code stop} stops a running launcher or what a
 * killed one left behind.
 */
public final class LocalStackMain {
  static final String USAGE =
      """
      usage: deploy/bin/run-local.sh [--config FILE] [--services gateway,stt,llm,tts]
                                     [--scale stt=2,llm=2,tts=2,gateway=2]
                                     [--external-kafka] [--grpc-port N] [--run-dir DIR]
             deploy/bin/run-local.sh restart NAME [--run-dir DIR]
             deploy/bin/run-local.sh stop [--run-dir DIR]
      Starts a Kafka broker (or uses kafka.bootstrap.servers with --external-kafka), creates the
      topics, then the stt, llm and tts workers and the gateway (--scale: several processes of a
      service, named stt-1, stt-2, ...). A process that exits unasked is restarted after 1 s,
      2 s, 4 s ... up to 30 s; the others keep running. Ctrl-C stops everything.
      restart NAME: from another shell, restarts one instance (llm-2), the broker, or every
      instance of a service (llm) one after another, each without back-off.
      stop: stops a running launcher, or what a killed one left behind.
      Configuration keys and ASSISTANT_* variables: docs/deploy.md.""";

  private static final Map<String, String> FLAGS =
      Map.of(
          "services", "launcher.services",
          "scale", "launcher.scale",
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
      List<String> words = cli.words;
      if (words.equals(List.of("stop"))) {
        int n = new StackControl(options, System.out).stop();
        System.out.println(n == 0 ? "nothing was running" : "stopped " + n + " processes");
        return 0;
      }
      if (!words.isEmpty() && words.get(0).equals("restart")) {
        if (words.size() < 2) {
          System.err.println("restart needs a name (llm-2, llm, broker)\n" + USAGE);
          return 2;
        }
        StackControl control = new StackControl(options, System.out);
        words.subList(1, words.size()).forEach(control::restart);
        return 0;
      }
      if (!words.isEmpty()) {
        System.err.println("unknown command " + words + "\n" + USAGE);
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
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("The assistant is running.");
    Map<String, String> grpc = stack.grpcEndpoints();
    if (grpc.isEmpty()) {
      lines.add("  gRPC endpoint   (gateway not started)");
    } else {
      String first = "  gRPC endpoint   ";
      for (var e : grpc.entrySet()) {
        lines.add(
            first
                + e.getValue()
                + "  ("
                + e.getKey()
                + "; plaintext; grpc.health.v1 and reflection enabled)");
        first = "                  ";
      }
    }
    String openAi = "  OpenAI API      ";
    for (var e : stack.openAiEndpoints().entrySet()) {
      lines.add(openAi + e.getValue() + "  (" + e.getKey() + "; base URL for OpenAI SDKs)");
      openAi = "                  ";
    }
    String first = "  Web playground  ";
    for (var e : stack.playgroundUrls().entrySet()) {
      lines.add(first + e.getValue() + "  (" + e.getKey() + "; open it in a browser)");
      first = "                  ";
    }
    String broker =
        stack
            .brokerLogFile()
            .map(log -> "  (broker pid " + stack.brokerPid() + ", log " + display(o, log) + ")")
            .orElse("  (external)");
    lines.add("  Kafka           " + stack.bootstrapServers() + broker);
    lines.add("  instances       pid      metrics (Prometheus text format)     log");
    for (RunningInstance i : stack.instances()) {
      lines.add(
          String.format(
              "    %-12s  %-7d  %-35s  %s",
              i.name(), i.pid(), i.metricsUri(), display(o, i.logFile())));
    }
    lines.add("  service configs " + display(o, o.configDir()));
    lines.add(
        "A process that exits is restarted with back-off; restart one yourself with"
            + " deploy/bin/run-local.sh restart "
            + stack.instances().get(0).name()
            + ".");
    lines.add("Press Ctrl-C to stop everything.");
    lines.add("");
    return String.join("\n", lines);
  }

  private static String display(StackOptions o, Path p) {
    return p.startsWith(o.repoRoot()) ? o.repoRoot().relativize(p).toString() : p.toString();
  }
}
