package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code deploy/bin/broker.sh start|stop|status|run}: a local Kafka broker that outlives the
 * command ({@code start}, with a PID file in the data directory) or runs in the foreground ({@code
 * run}, Ctrl-C stops it). {@code start} and {@code run} also create the pipeline's topics.
 */
public final class BrokerMain {
  static final String USAGE =
      """
      usage: deploy/bin/broker.sh start|stop|status|run [--port N] [--controller-port N]
                                  [--data-dir DIR] [--config FILE] [--no-topics]
      Defaults: 127.0.0.1:9092, controller port = port + 1, data in run/broker.
      Exit status of status: 0 running, 1 process alive but not answering, 3 not running.""";

  private static final Map<String, String> FLAGS =
      Map.of(
          "port", "broker.port",
          "controller-port", "broker.controller.port",
          "data-dir", "broker.data.dir",
          "host", "broker.host",
          "no-topics", "broker.create.topics=false");

  private static final Path DEFAULT_DATA_DIR = Path.of("run", "broker");

  private BrokerMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    try {
      CommandLine cli = CommandLine.parse(args, FLAGS);
      if (cli.words.size() != 1) {
        System.err.println(USAGE);
        return 2;
      }
      Config config = cli.config();
      BrokerOptions options = BrokerOptions.from(config, DEFAULT_DATA_DIR);
      PidFiles pids = new PidFiles(options.dataDir());
      switch (cli.words.get(0)) {
        case "start":
          return start(config, options, pids, false);
        case "run":
          return start(config, options, pids, true);
        case "stop":
          return stop(options, pids);
        case "status":
          return status(options, pids);
        default:
          System.err.println(USAGE);
          return 2;
      }
    } catch (ConfigException | IllegalStateException e) {
      System.err.println("broker: " + e.getMessage());
      return 1;
    }
  }

  private static int start(
      Config config, BrokerOptions options, PidFiles pids, boolean foreground) {
    Optional<ProcessHandle> running =
        pids.live("broker", ManagedProcess.roleFlag(LocalBroker.ROLE));
    if (running.isPresent()) {
      System.out.println(
          "Kafka broker already running (pid "
              + running.get().pid()
              + ") at "
              + options.bootstrapServers());
      return 0;
    }
    LocalBroker broker = LocalBroker.start(options);
    pids.write("broker", broker.pid());
    if (config.getBoolean("broker.create.topics", true)) {
      List<String> created = broker.provisionTopics(config);
      System.out.println(created.isEmpty() ? "topics already exist" : "created topics " + created);
    }
    System.out.println(
        "Kafka broker running at "
            + options.bootstrapServers()
            + " (pid "
            + broker.pid()
            + ", data "
            + options.dataDir()
            + ", log "
            + options.logFile()
            + ")");
    if (!foreground) {
      return 0;
    }
    AtomicBoolean stopping = new AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.set(true);
                  broker.close();
                  pids.remove("broker");
                }));
    while (broker.isAlive() || stopping.get()) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    System.err.println(
        "broker: the Kafka broker exited; last lines of its log:\n" + broker.process().tail(20));
    pids.remove("broker");
    return 1;
  }

  private static int stop(BrokerOptions options, PidFiles pids) {
    Optional<ProcessHandle> running =
        pids.live("broker", ManagedProcess.roleFlag(LocalBroker.ROLE));
    if (running.isEmpty()) {
      System.out.println("Kafka broker is not running");
      return 0;
    }
    long pid = running.get().pid();
    boolean killed = ManagedProcess.stop(running.get(), options.stopTimeout());
    pids.remove("broker");
    System.out.println(
        "Kafka broker (pid " + pid + ") " + (killed ? "killed after the stop timeout" : "stopped"));
    return 0;
  }

  private static int status(BrokerOptions options, PidFiles pids) {
    Optional<ProcessHandle> running =
        pids.live("broker", ManagedProcess.roleFlag(LocalBroker.ROLE));
    if (running.isEmpty()) {
      System.out.println("Kafka broker is not running");
      return 3;
    }
    if (LocalBroker.answers(options.bootstrapServers(), Duration.ofSeconds(5))) {
      System.out.println(
          "Kafka broker running at "
              + options.bootstrapServers()
              + " (pid "
              + running.get().pid()
              + ", data "
              + options.dataDir()
              + ")");
      return 0;
    }
    System.out.println(
        "Kafka broker process "
            + running.get().pid()
            + " is alive but does not answer at "
            + options.bootstrapServers());
    return 1;
  }
}
