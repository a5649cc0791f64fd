package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.TopicProvisioner;
import dev.assistant.common.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole assistant on one machine: a Kafka broker (or an external cluster), the topics, then the
 * stt, llm and tts workers and the gateway, each instance a child JVM started from its shaded jar
 * with a generated config file and its log in {@code run/logs/}.
 *
 * <p>{@link #start} returns once every instance is ready (workers: their health endpoint answers;
 * gateway: gRPC health says {@code SERVING}); if any part fails, everything already started is
 * stopped and a {@link StackException} says which part failed and shows its last log lines. From
 * then on each process is supervised ({@link Supervisor}): one that exits unasked is restarted with
 * back-off while the others keep running; the broker comes back on the same port and data. {@link
 * #kill9}, {@link #restart} and {@link #awaitReady} let tests break things on purpose. {@link
 * #close} stops the services in reverse order, then the broker. Thread-safe.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  /** The broker's name in this API and its PID file. */
  public static final String BROKER = "broker";

  /** The launcher's own PID file: {@code run-local.sh restart} and {@code stop} look for it. */
  static final String LAUNCHER = "launcher";

  private final Config config;
  private final StackOptions options;
  private final Path java;
  private final PidFiles pids;
  private final Map<String, ServiceInstance> planned = new LinkedHashMap<>();

  /** Start order: the broker (when local), then the service instances. */
  private final Map<String, Supervisor> supervisors =
      Collections.synchronizedMap(new LinkedHashMap<>());

  private final CountDownLatch closedLatch = new CountDownLatch(1);
  private volatile String bootstrapServers;
  private volatile Path brokerLogFile;
  private volatile boolean closed;
  private boolean ownsLauncherPid;

  private LocalStack(Config config, StackOptions options) {
    this.config = config;
    this.options = options;
    this.java = LocalBroker.javaExecutable();
    this.pids = new PidFiles(options.pidDir());
    options.instances().forEach(i -> planned.put(i.name(), i));
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
    pids.writeWithStart(LAUNCHER, ProcessHandle.current());
    ownsLauncherPid = true;
    bootstrapServers = startKafka();
    provisionTopics();
    Map<String, String> models = DefaultModels.ensure(config, options, java);
    for (ServiceInstance i : options.instances()) {
      if (closed) {
        throw new StackException("stopped while starting");
      }
      startInstance(i, models);
    }
  }

  private void refuseIfAlreadyRunning() {
    pids.live(LAUNCHER, null)
        .filter(h -> h.pid() != ProcessHandle.current().pid())
        .ifPresent(
            h -> {
              throw new StackException(
                  "a launcher is already running in "
                      + display(options.runDir())
                      + " (pid "
                      + h.pid()
                      + "); stop it first: deploy/bin/run-local.sh stop");
            });
    for (String name : pids.names()) {
      if (name.equals(LAUNCHER)) {
        continue;
      }
      marker(name)
          .flatMap(m -> pids.live(name, m))
          .ifPresent(
              h -> {
                throw new StackException(
                    (name.equals(BROKER) ? "a broker" : name)
                        + " from an earlier run is still running (pid "
                        + h.pid()
                        + "); stop it first: deploy/bin/run-local.sh stop");
              });
    }
  }

  /** What a process's command line must contain to be the one a PID file names. */
  static Optional<String> marker(String name) {
    if (name.equals(BROKER)) {
      return Optional.of(ManagedProcess.roleFlag(LocalBroker.ROLE));
    }
    return ServiceInstance.stageOf(name).map(s -> ManagedProcess.roleFlag(s.id()));
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
      Files.createDirectories(options.controlDir());
      // Requests addressed to an earlier launcher mean nothing to this one.
      try (var stale = Files.list(options.controlDir())) {
        for (Path p : stale.toList()) {
          Files.deleteIfExists(p);
        }
      }
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
    BrokerOptions b = brokerOptions;
    brokerLogFile = b.logFile();
    // Same options every time: a restarted broker has the same port, controller and data.
    supervise(
        BROKER, (n, launched, cancelled) -> LocalBroker.start(b, launched, cancelled).process());
    return b.bootstrapServers();
  }

  private void supervise(String name, Supervisor.Starter starter) {
    Supervisor s =
        new Supervisor(
            name,
            starter,
            options.restartPolicy(),
            pids,
            options.controlDir().resolve(name + ".restart"));
    supervisors.put(name, s);
    s.start();
  }

  private void provisionTopics() {
    Config kafkaConfig = config.with("kafka.bootstrap.servers", bootstrapServers);
    try (Admin admin = Admin.create(new KafkaSettings(kafkaConfig).admin())) {
      List<String> created = new TopicProvisioner(Topics.from(config), config).ensureAll(admin);
      log.info(created.isEmpty() ? "topics already exist" : "created {} topics", created.size());
    }
  }

  private void startInstance(ServiceInstance i, Map<String, String> models) {
    Path configFile = ServiceConfigs.write(config, i, options, bootstrapServers, models);
    Path logFile = rotate(options.logDir().resolve(i.name() + ".log"));
    supervise(
        i.name(),
        (restart, launched, cancelled) ->
            startProcess(i, configFile, logFile, restart, launched, cancelled));
  }

  /** One incarnation of an instance: launched, then polled until ready (see Supervisor.Starter). */
  private ManagedProcess startProcess(
      ServiceInstance i,
      Path configFile,
      Path logFile,
      int restart,
      Consumer<ManagedProcess> launched,
      BooleanSupplier cancelled) {
    StackService s = i.stage();
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add(ManagedProcess.roleFlag(s.id()));
    command.add(instanceFlag(i.name()));
    command.addAll(JvmFlags.accepted(java));
    command.addAll(options.jvmArgs().getOrDefault(s, List.of()));
    command.addAll(
        List.of(
            "-cp",
            options.launches().get(s).classpath(),
            options.launches().get(s).mainClass(),
            "--config",
            configFile.toString()));
    if (restart == 0) {
      log.info("starting {} (log: {})", i.name(), display(logFile));
    } else {
      appendLine(logFile, "----- " + Instant.now() + ": restart " + restart + " by the launcher");
      log.info("starting {} again (log: {})", i.name(), display(logFile));
    }
    long t0 = System.nanoTime();
    ManagedProcess process =
        ManagedProcess.start(
            i.name(),
            command,
            options.repoRoot(),
            logFile,
            childEnvironment(),
            options.stopTimeout());
    launched.accept(process);
    try (ReadinessProbe probe = probeFor(i)) {
      long deadline = System.nanoTime() + options.startTimeout().toNanos();
      while (!probe.isReady()) {
        if (!process.isAlive()) {
          throw new StackException(
              i.name()
                  + " exited with status "
                  + process.exitCode().orElse(-1)
                  + " during start-up; last lines of "
                  + logFile
                  + ":\n"
                  + process.tail(25));
        }
        if (closed || cancelled.getAsBoolean()) {
          throw new StackException(i.name() + ": stopped while starting");
        }
        if (System.nanoTime() > deadline) {
          throw new StackException(
              i.name()
                  + " was not ready after "
                  + options.startTimeout().toSeconds()
                  + " s ("
                  + probe.describe()
                  + "); last lines of "
                  + logFile
                  + ":\n"
                  + process.tail(25));
        }
        pause(Duration.ofMillis(250));
      }
    } catch (RuntimeException e) {
      process.stop();
      throw e;
    }
    log.info(
        "{} ready in {} ms (pid {})",
        i.name(),
        (System.nanoTime() - t0) / 1_000_000,
        process.pid());
    return process;
  }

  /** Names the instance on its command line, for {@code ps} and for tests' stand-in services. */
  static String instanceFlag(String name) {
    return "-Ddev.assistant.instance=" + name;
  }

  /** A path as a person would type it from the repository root. */
  private String display(Path p) {
    return p.startsWith(options.repoRoot())
        ? options.repoRoot().relativize(p).toString()
        : p.toString();
  }

  private ReadinessProbe probeFor(ServiceInstance i) {
    if (i.isGateway()) {
      return new GrpcHealthProbe(options.grpcHost(), i.grpcPort().orElseThrow());
    }
    return new HttpProbe(URI.create("http://127.0.0.1:" + i.metricsPort() + "/-/healthy"));
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

  /** Marks a restart in the log the incarnations share, so that each one's output is findable. */
  private static void appendLine(Path logFile, String line) {
    try {
      Files.writeString(
          logFile,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.warn("cannot write to {}: {}", logFile, e.getMessage());
    }
  }

  /** The Kafka bootstrap address; the same across broker restarts. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The first gateway's gRPC address. */
  public String grpcEndpoint() {
    return options.grpcHost() + ":" + options.grpcPort();
  }

  /** Every gateway instance's gRPC address, by instance name. */
  public Map<String, String> grpcEndpoints() {
    Map<String, String> m = new LinkedHashMap<>();
    planned
        .values()
        .forEach(i -> i.grpcPort().ifPresent(p -> m.put(i.name(), options.grpcHost() + ":" + p)));
    return m;
  }

  /**
   * Every gateway instance's OpenAI-compatible API base URL (what OpenAI SDKs take as their base
   * URL), by instance name; gateways on an ephemeral port (0) are left out, as their port is only
   * in their log.
   */
  public Map<String, String> openAiEndpoints() {
    String host = config.getString("gateway.openai.host", StackOptions.LOOPBACK);
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = StackOptions.LOOPBACK;
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (ServiceInstance i : planned.values()) {
      int port = ServiceConfigs.openAiPort(config, i).orElse(0);
      if (port > 0) {
        m.put(i.name(), "http://" + host + ":" + port + "/v1");
      }
    }
    return m;
  }

  /** Every gateway instance's web playground address, by instance name. */
  public Map<String, String> playgroundUrls() {
    Map<String, String> m = new LinkedHashMap<>();
    planned.values().forEach(i -> Playground.url(config, i).ifPresent(u -> m.put(i.name(), u)));
    return m;
  }

  /** The Prometheus endpoint of each service instance, by instance name. */
  public Map<String, URI> metricsEndpoints() {
    Map<String, URI> m = new LinkedHashMap<>();
    instances().forEach(i -> m.put(i.name(), i.metricsUri()));
    return m;
  }

  public StackOptions options() {
    return options;
  }

  /** Every service instance (not the broker) in start order, with its current process. */
  public List<RunningInstance> instances() {
    return planned.values().stream().map(this::status).toList();
  }

  /** One service instance by name ({@code llm-2}). */
  public RunningInstance instance(String name) {
    ServiceInstance i = planned.get(name);
    if (i == null) {
      throw unknown(name);
    }
    return status(i);
  }

  private RunningInstance status(ServiceInstance i) {
    Supervisor s = supervisors.get(i.name());
    return new RunningInstance(
        i,
        s == null ? -1 : s.pid(),
        s != null && s.isReady(),
        s == null ? 0 : s.restarts(),
        options.logDir().resolve(i.name() + ".log"));
  }

  /** The local broker's log; empty with an external cluster. */
  public Optional<Path> brokerLogFile() {
    return Optional.ofNullable(brokerLogFile);
  }

  /** The broker's current PID, or -1 while it is down (also with an external cluster). */
  public long brokerPid() {
    Supervisor s = supervisors.get(BROKER);
    return s == null ? -1 : s.pid();
  }

  /**
   * Kills an instance ({@code llm-2}) or the broker ({@value #BROKER}) with SIGKILL, as a crash
   * would, and returns its PID once it is gone. The supervisor then restarts it with back-off; wait
   * for that with {@link #awaitReady}.
   *
   * @throws IllegalStateException when it is not running (it is waiting to be restarted)
   */
  public long kill9(String name) {
    return supervisor(name).kill9();
  }

  /** {@link #kill9} of the broker; it comes back on the same port and data directory. */
  public long kill9Broker() {
    return kill9(BROKER);
  }

  /**
   * Restarts an instance or the broker gracefully: SIGTERM (SIGKILL after {@code
   * launcher.stop.timeout}), then started again at once, without back-off. Returns the old PID once
   * that process is gone (-1 when none was running); wait for the new one with {@link #awaitReady}.
   */
  public long restart(String name) {
    return supervisor(name).restart();
  }

  /**
   * Waits until an instance or the broker runs and is ready, and returns its PID. Right after
   * {@link #kill9} or {@link #restart} (both return once the old process is gone), this waits for
   * the restarted one. A process killed some other way must be gone before this is called.
   *
   * @throws StackException when it is not ready within {@code timeout}
   */
  public long awaitReady(String name, Duration timeout) {
    return supervisor(name).awaitReady(timeout);
  }

  /** How often an instance or the broker has been started again, after crashes and on request. */
  public int restartCount(String name) {
    return supervisor(name).restarts();
  }

  /** {@link #restartCount} of every supervised process: the broker, then each instance. */
  public Map<String, Integer> restartCounts() {
    Map<String, Integer> m = new LinkedHashMap<>();
    synchronized (supervisors) {
      supervisors.forEach((k, v) -> m.put(k, v.restarts()));
    }
    return m;
  }

  private Supervisor supervisor(String name) {
    Supervisor s = supervisors.get(name);
    if (s == null) {
      throw unknown(name);
    }
    return s;
  }

  private IllegalArgumentException unknown(String name) {
    List<String> known = new ArrayList<>(supervisors.keySet());
    return new IllegalArgumentException("no instance '" + name + "' (running: " + known + ")");
  }

  /** Blocks until the stack is closed (Ctrl-C, SIGTERM or {@link #close}); returns 0. */
  public int awaitTermination() {
    try {
      closedLatch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
    }
    return 0;
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops supervising, then stops the service instances in reverse start order, then the broker.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    closed = true;
    List<Supervisor> all;
    synchronized (supervisors) {
      all = new ArrayList<>(supervisors.values());
    }
    // First nothing restarts any more, so that a service stopping early is not brought back.
    all.forEach(Supervisor::stopSupervising);
    Collections.reverse(all);
    for (Supervisor s : all) {
      s.stop(options.stopTimeout().plusSeconds(30));
    }
    if (ownsLauncherPid) {
      pids.remove(LAUNCHER);
      ownsLauncherPid = false;
    }
    closedLatch.countDown();
  }

  /**
   * Forgets the processes without stopping them, as if the launcher had been killed: what {@link
   * #stopLeftovers} is for. For tests.
   */
  void detach() {
    closed = true;
    synchronized (supervisors) {
      supervisors.values().forEach(Supervisor::stopSupervising);
      supervisors.clear();
    }
    if (ownsLauncherPid) {
      pids.remove(LAUNCHER);
      ownsLauncherPid = false;
    }
    closedLatch.countDown();
  }

  /**
   * Stops what an earlier launcher left running (it was killed without a chance to clean up), found
   * through the PID files: service instances in reverse start order, then the broker. Returns how
   * many processes were stopped.
   */
  public static int stopLeftovers(StackOptions options, Duration grace) {
    PidFiles pids = new PidFiles(options.pidDir());
    List<String> names = new ArrayList<>(pids.names());
    names.removeIf(n -> n.equals(LAUNCHER) || n.equals(BROKER) || marker(n).isEmpty());
    names.sort(
        Comparator.comparing((String n) -> ServiceInstance.stageOf(n).orElseThrow())
            .thenComparingInt(ServiceInstance::indexOf)
            .reversed());
    names.add(BROKER);
    int stopped = 0;
    for (String name : names) {
      Optional<ProcessHandle> h = pids.live(name, marker(name).orElseThrow());
      if (h.isPresent()) {
        log.info("stopping {} (pid {})", name, h.get().pid());
        ManagedProcess.stop(h.get(), grace);
        stopped++;
      }
      pids.remove(name);
    }
    return stopped;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while starting");
    }
  }
}
