package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.TopicProvisioner;
import dev.assistant.common.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole assistant on one machine: a Kafka broker (or an external cluster), the topics, then the
 * stt, llm and tts workers and the gateway, each a child JVM started from its shaded jar with a
 * generated config file and its log in {@code run/logs/}.
 *
 * <p>{@link #start} returns once every service is ready (workers: their health endpoint answers;
 * gateway: gRPC health says {@code SERVING}); if any part fails, everything already started is
 * stopped and a {@link StackException} says which part failed and shows its last log lines. {@link
 * #close} stops the services in reverse order, then the broker. Thread-safe.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  private static final String BROKER = "broker";

  private final Config config;
  private final StackOptions options;
  private final Path java;
  private final PidFiles pids;
  private final List<ManagedProcess> running = Collections.synchronizedList(new ArrayList<>());
  private LocalBroker broker;
  private String bootstrapServers;
  private volatile boolean closed;

  private LocalStack(Config config, StackOptions options) {
    this.config = config;
    this.options = options;
    this.java = LocalBroker.javaExecutable();
    this.pids = new PidFiles(options.pidDir());
  }

  /** Starts everything, or nothing: on failure all that was started is stopped again. */
  public static LocalStack start(Config config, StackOptions options) {
    LocalStack stack = new LocalStack(config, options);
    try {
      stack.startAll();
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e instanceof StackException ? e : new StackException(e.getMessage(), e);
    }
  }

  private void startAll() {
    refuseIfAlreadyRunning();
    requireJars();
    createDirectories();
    bootstrapServers = startKafka();
    provisionTopics();
    Map<String, String> models = DefaultModels.ensure(config, options, java);
    for (StackService s : options.services()) {
      if (closed) {
        throw new StackException("stopped while starting");
      }
      startService(s, models);
    }
  }

  private void refuseIfAlreadyRunning() {
    for (StackService s : StackService.values()) {
      pids.live(s.id(), ManagedProcess.roleFlag(s.id()))
          .ifPresent(
              h -> {
                throw new StackException(
                    s.id()
                        + " from an earlier run is still running (pid "
                        + h.pid()
                        + "); stop it first: deploy/bin/run-local.sh stop");
              });
    }
    pids.live(BROKER, ManagedProcess.roleFlag(LocalBroker.ROLE))
        .ifPresent(
            h -> {
              throw new StackException(
                  "a broker from an earlier run is still running (pid "
                      + h.pid()
                      + "); stop it first: deploy/bin/run-local.sh stop");
            });
  }

  private void requireJars() {
    List<String> missing = new ArrayList<>();
    for (StackService s : options.services()) {
      if (options.launches().get(s).isDefaultJar()
          && !Files.isRegularFile(s.jar(options.repoRoot(), options.version()))) {
        missing.add(
            options.repoRoot().relativize(s.jar(options.repoRoot(), options.version())).toString());
      }
    }
    if (!missing.isEmpty()) {
      throw new StackException(
          "missing service jars " + missing + "; build them with: mvn -q -DskipTests package");
    }
  }

  private void createDirectories() {
    try {
      Files.createDirectories(options.logDir());
      Files.createDirectories(options.configDir());
      Files.createDirectories(options.pidDir());
      Files.createDirectories(options.modelDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + options.runDir(), e);
    }
  }

  private String startKafka() {
    if (options.externalKafka()) {
      String servers =
          config
              .get("kafka.bootstrap.servers")
              .orElseThrow(
                  () ->
                      new StackException(
                          "broker.mode=external needs kafka.bootstrap.servers"
                              + " (and kafka.security.protocol, kafka.sasl.*, kafka.ssl.* as the"
                              + " cluster requires)"));
      log.info("using the external Kafka cluster at {}", servers);
      return servers;
    }
    BrokerOptions brokerOptions = BrokerOptions.from(config, options.brokerDataDir());
    if (config.get("broker.log.file").isEmpty()) {
      brokerOptions = brokerOptions.withLogFile(rotate(options.logDir().resolve("broker.log")));
    }
    broker = LocalBroker.start(brokerOptions);
    pids.write(BROKER, broker.pid());
    return broker.bootstrapServers();
  }

  private void provisionTopics() {
    Config kafkaConfig = config.with("kafka.bootstrap.servers", bootstrapServers);
    try (Admin admin = Admin.create(new KafkaSettings(kafkaConfig).admin())) {
      List<String> created = new TopicProvisioner(Topics.from(config), config).ensureAll(admin);
      log.info(created.isEmpty() ? "topics already exist" : "created {} topics", created.size());
    }
  }

  private void startService(StackService s, Map<String, String> models) {
    Path configFile = ServiceConfigs.write(config, s, options, bootstrapServers, models);
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add(ManagedProcess.roleFlag(s.id()));
    command.addAll(JvmFlags.accepted(java));
    command.addAll(options.jvmArgs().getOrDefault(s, List.of()));
    command.addAll(
        List.of(
            "-cp",
            options.launches().get(s).classpath(),
            options.launches().get(s).mainClass(),
            "--config",
            configFile.toString()));
    Path logFile = rotate(options.logDir().resolve(s.id() + ".log"));
    log.info("starting {} (log: {})", s.id(), display(logFile));
    long t0 = System.nanoTime();
    ManagedProcess process =
        ManagedProcess.start(
            s.id(),
            command,
            options.repoRoot(),
            logFile,
            childEnvironment(),
            options.stopTimeout());
    running.add(process);
    pids.write(s.id(), process.pid());
    try (ReadinessProbe probe = probeFor(s)) {
      long deadline = System.nanoTime() + options.startTimeout().toNanos();
      while (!probe.isReady()) {
        if (!process.isAlive()) {
          throw new StackException(
              s.id()
                  + " exited with status "
                  + process.exitCode().orElse(-1)
                  + " during start-up; last lines of "
                  + logFile
                  + ":\n"
                  + process.tail(25));
        }
        if (System.nanoTime() > deadline || closed) {
          throw new StackException(
              s.id()
                  + " was not ready after "
                  + options.startTimeout().toSeconds()
                  + " s ("
                  + probe.describe()
                  + "); last lines of "
                  + logFile
                  + ":\n"
                  + process.tail(25));
        }
        sleep(Duration.ofMillis(250));
      }
    }
    log.info(
        "{} ready in {} ms (pid {})", s.id(), (System.nanoTime() - t0) / 1_000_000, process.pid());
  }

  /** A path as a person would type it from the repository root. */
  private String display(Path p) {
    return p.startsWith(options.repoRoot())
        ? options.repoRoot().relativize(p).toString()
        : p.toString();
  }

  private ReadinessProbe probeFor(StackService s) {
    if (s == StackService.GATEWAY) {
      return new GrpcHealthProbe(options.grpcHost(), options.grpcPort());
    }
    return new HttpProbe(URI.create(metricsBase(s) + "/-/healthy"));
  }

  private String metricsBase(StackService s) {
    return "http://127.0.0.1:" + options.metricsPorts().get(s);
  }

  /**
   * The services' environment: ours without {@code ASSISTANT_*} overrides, whose values are already
   * in the generated config files (a shared {@code ASSISTANT_STT_METRICS_PORT} would otherwise
   * override what the launcher assigned). The log level stays. {@code MALLOC_ARENA_MAX=2} unless
   * set: libtorch's many short-lived native tensors, allocated from many threads, otherwise grow
   * glibc's per-thread arenas to several GB of resident memory in the llm-worker.
   */
  private static Map<String, String> childEnvironment() {
    Map<String, String> env = new HashMap<>();
    System.getenv()
        .keySet()
        .forEach(
            k -> {
              if (k.startsWith(Config.ENV_PREFIX) && !k.equals("ASSISTANT_LOG_LEVEL")) {
                env.put(k, null);
              }
            });
    if (System.getenv("MALLOC_ARENA_MAX") == null) {
      env.put("MALLOC_ARENA_MAX", "2");
    }
    return env;
  }

  /** Keeps the previous run's log as {@code <name>.1}. */
  private static Path rotate(Path logFile) {
    try {
      if (Files.exists(logFile)) {
        Files.move(
            logFile,
            logFile.resolveSibling(logFile.getFileName() + ".1"),
            StandardCopyOption.REPLACE_EXISTING);
      }
      return logFile;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rotate " + logFile, e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The gateway's gRPC address. */
  public String grpcEndpoint() {
    return options.grpcHost() + ":" + options.grpcPort();
  }

  /** The Prometheus endpoint of each running service. */
  public Map<StackService, URI> metricsEndpoints() {
    Map<StackService, URI> m = new LinkedHashMap<>();
    options.services().forEach(s -> m.put(s, URI.create(metricsBase(s) + "/metrics")));
    return m;
  }

  public StackOptions options() {
    return options;
  }

  /** The first service (or the broker) that has exited although nobody stopped it. */
  public Optional<String> firstDead() {
    if (closed) {
      return Optional.empty();
    }
    if (broker != null && !broker.isAlive()) {
      return Optional.of(
          "the Kafka broker exited (status "
              + broker.process().exitCode().orElse(-1)
              + "); last lines of its log:\n"
              + broker.process().tail(20));
    }
    synchronized (running) {
      for (ManagedProcess p : running) {
        if (!p.isAlive()) {
          return Optional.of(
              p.name()
                  + " exited (status "
                  + p.exitCode().orElse(-1)
                  + "); last lines of "
                  + p.logFile()
                  + ":\n"
                  + p.tail(25));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Blocks until the stack is closed (returns 0) or a part of it dies (stops the rest and returns
   * 1).
   */
  public int awaitTermination() {
    while (!closed) {
      Optional<String> dead = firstDead();
      if (dead.isPresent()) {
        log.error("{}\nstopping everything", dead.get());
        close();
        return 1;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        return 0;
      }
    }
    return 0;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Stops the services in reverse start order, then the broker. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    List<ManagedProcess> toStop;
    synchronized (running) {
      toStop = new ArrayList<>(running);
      running.clear();
    }
    Collections.reverse(toStop);
    for (ManagedProcess p : toStop) {
      if (p.isAlive()) {
        log.info("stopping {} (pid {})", p.name(), p.pid());
      }
      int code = p.stop();
      log.info("{} stopped (exit status {})", p.name(), code);
      pids.remove(p.name());
    }
    if (broker != null) {
      broker.close();
      pids.remove(BROKER);
      broker = null;
    }
  }

  /**
   * Stops what an earlier launcher left running (it was killed without a chance to clean up), found
   * through the PID files: services in reverse order, then the broker. Returns how many processes
   * were stopped.
   */
  public static int stopLeftovers(StackOptions options, Duration grace) {
    PidFiles pids = new PidFiles(options.pidDir());
    List<StackService> order = new ArrayList<>(List.of(StackService.values()));
    Collections.reverse(order);
    int stopped = 0;
    for (StackService s : order) {
      Optional<ProcessHandle> h = pids.live(s.id(), ManagedProcess.roleFlag(s.id()));
      if (h.isPresent()) {
        log.info("stopping {} (pid {})", s.id(), h.get().pid());
        ManagedProcess.stop(h.get(), grace);
        stopped++;
      }
      pids.remove(s.id());
    }
    Optional<ProcessHandle> b = pids.live(BROKER, ManagedProcess.roleFlag(LocalBroker.ROLE));
    if (b.isPresent()) {
      log.info("stopping the Kafka broker (pid {})", b.get().pid());
      ManagedProcess.stop(b.get(), grace);
      stopped++;
    }
    pids.remove(BROKER);
    return stopped;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while starting");
    }
  }
}
