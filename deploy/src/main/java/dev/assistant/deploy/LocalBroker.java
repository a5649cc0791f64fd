package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import dev.assistant.common.kafka.TopicProvisioner;
import dev.assistant.common.kafka.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker ({@code kafka.Kafka}) in a child JVM, for development and
 * integration tests: no Docker, no download; its classpath comes from the build.
 *
 * <p>{@link #start} writes {@code server.properties}, formats the storage the first time ({@code
 * kafka.tools.StorageTool format --standalone}), starts the broker and returns once it answers an
 * admin request. {@link #close} sends SIGTERM (a clean controlled shutdown), then kills it after
 * {@link BrokerOptions#stopTimeout}. Thread-safe.
 */
public final class LocalBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalBroker.class);
  private static final String FORMAT_RECORD = "formatted-with.properties";

  /** Marks the broker JVM's command line so that PID files can be checked against it. */
  public static final String ROLE = "kafka-broker";

  private final BrokerOptions options;
  private final ManagedProcess process;

  private LocalBroker(BrokerOptions options, ManagedProcess process) {
    this.options = options;
    this.process = process;
  }

  /** Formats (first time only), starts and waits until the broker serves clients. */
  public static LocalBroker start(BrokerOptions options) {
    return start(options, p -> {}, () -> false);
  }

  /**
   * Like {@link #start(BrokerOptions)}, for a supervisor: {@code launched} gets the process as soon
   * as it runs (before it is ready), and {@code cancelled} ends the wait for readiness.
   */
  static LocalBroker start(
      BrokerOptions options,
      java.util.function.Consumer<ManagedProcess> launched,
      BooleanSupplier cancelled) {
    requireFree(options.host(), options.port(), "broker.port");
    requireFree(options.host(), options.controllerPort(), "broker.controller.port");
    Path serverProperties = writeConfigFiles(options);
    formatIfNeeded(options, serverProperties);
    List<String> command = new ArrayList<>(jvm(options));
    command.add("kafka.Kafka");
    command.add(serverProperties.toString());
    log.info(
        "starting Kafka broker on {} (log: {})", options.bootstrapServers(), options.logFile());
    long t0 = System.nanoTime();
    ManagedProcess process =
        ManagedProcess.start(
            "kafka-broker",
            command,
            options.dataDir(),
            options.logFile(),
            Map.of(),
            options.stopTimeout());
    LocalBroker broker = new LocalBroker(options, process);
    try {
      launched.accept(process);
      awaitReady(
          options.bootstrapServers(),
          options.startTimeout(),
          () -> process.isAlive() && !cancelled.getAsBoolean(),
          () -> process.tail(30));
    } catch (RuntimeException e) {
      process.stop();
      throw e;
    }
    log.info(
        "Kafka broker ready on {} in {} ms (pid {})",
        options.bootstrapServers(),
        (System.nanoTime() - t0) / 1_000_000,
        process.pid());
    return broker;
  }

  public BrokerOptions options() {
    return options;
  }

  public String bootstrapServers() {
    return options.bootstrapServers();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public ManagedProcess process() {
    return process;
  }

  /** Creates the pipeline's missing topics as {@code config} describes them; returns new names. */
  public List<String> provisionTopics(Config config) {
    try (Admin admin = Admin.create(adminSettings(bootstrapServers()))) {
      return new TopicProvisioner(Topics.from(config), config).ensureAll(admin);
    }
  }

  /** Stops the broker: SIGTERM, then SIGKILL after the stop timeout. Idempotent. */
  public void stop() {
    if (process.isAlive()) {
      log.info("stopping Kafka broker (pid {})", process.pid());
      int code = process.stop();
      log.info("Kafka broker stopped (exit status {})", code);
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Waits until a broker at {@code bootstrap} lists at least one live node.
   *
   * @param alive checked between attempts: a broker that died will never become ready
   * @param logTail what to show when it does not come up
   */
  static void awaitReady(
      String bootstrap,
      Duration timeout,
      BooleanSupplier alive,
      java.util.function.Supplier<String> logTail) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    // An admin client logs a warning for every refused connection: wait for the port first.
    while (!accepts(bootstrap) && System.nanoTime() < deadline) {
      if (!alive.getAsBoolean()) {
        throw new IllegalStateException(
            "Kafka broker exited during start-up; last lines of its log:\n" + logTail.get());
      }
      sleep(Duration.ofMillis(100));
    }
    try (Admin admin = Admin.create(adminSettings(bootstrap))) {
      while (System.nanoTime() < deadline) {
        if (!alive.getAsBoolean()) {
          throw new IllegalStateException(
              "Kafka broker exited during start-up; last lines of its log:\n" + logTail.get());
        }
        try {
          if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
        sleep(Duration.ofMillis(200));
      }
    }
    throw new IllegalStateException(
        "Kafka broker at "
            + bootstrap
            + " not ready after "
            + timeout.toSeconds()
            + " s"
            + (last == null ? "" : " (" + last.getMessage() + ")")
            + "; last lines of its log:\n"
            + logTail.get());
  }

  /** True when a broker answers at {@code bootstrap} within {@code timeout}. */
  public static boolean answers(String bootstrap, Duration timeout) {
    if (!accepts(bootstrap)) {
      return false;
    }
    try (Admin admin = Admin.create(adminSettings(bootstrap))) {
      return !admin
          .describeCluster()
          .nodes()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .isEmpty();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }

  /** True when the first bootstrap address accepts a TCP connection. */
  static boolean accepts(String bootstrap) {
    String first = bootstrap.split(",")[0].trim();
    int colon = first.lastIndexOf(':');
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(
          new InetSocketAddress(
              first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))),
          1000);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static Map<String, Object> adminSettings(String bootstrap) {
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
  }

  private static List<String> jvm(BrokerOptions o) {
    return List.of(
        javaExecutable().toString(),
        ManagedProcess.roleFlag(ROLE),
        "-Xmx" + o.heap(),
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        "-Dlogback.configurationFile=" + o.dataDir().resolve("logback.xml"),
        "-cp",
        BrokerClasspath.join(o.classpath()));
  }

  /** The java of the running JVM: the broker needs nothing else installed. */
  static Path javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private static Path writeConfigFiles(BrokerOptions o) {
    try {
      Files.createDirectories(o.dataDir());
      Path serverProperties = o.dataDir().resolve("server.properties");
      Files.writeString(serverProperties, ServerProperties.render(o), StandardCharsets.UTF_8);
      Files.writeString(o.dataDir().resolve("logback.xml"), LOGBACK, StandardCharsets.UTF_8);
      return serverProperties;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the broker configuration in " + o.dataDir(), e);
    }
  }

  /**
   * Formats the log directory unless it already holds a formatted node. A formatted directory
   * records the controller endpoint in its voter set, so a changed controller address is refused
   * with a clear message rather than a broker that never elects a leader.
   */
  static void formatIfNeeded(BrokerOptions o, Path serverProperties) {
    Path logDir = ServerProperties.logDir(o);
    Path record = o.dataDir().resolve(FORMAT_RECORD);
    String controller = o.host() + ":" + o.controllerPort();
    if (Files.exists(logDir.resolve("meta.properties"))) {
      Properties recorded = load(record);
      String was = recorded.getProperty("controller", controller);
      if (!was.equals(controller)) {
        throw new ConfigException(
            "the broker data in "
                + o.dataDir()
                + " was formatted for controller "
                + was
                + ", not "
                + controller
                + "; use that controller address or delete the data directory");
      }
      return;
    }
    String clusterId = Uuid.randomUuid().toString();
    List<String> command = new ArrayList<>(jvm(o));
    command.addAll(
        List.of(
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            "-t",
            clusterId,
            "-c",
            serverProperties.toString()));
    log.info("formatting Kafka storage in {} (cluster id {})", logDir, clusterId);
    try {
      Files.createDirectories(o.logFile().toAbsolutePath().getParent());
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(o.logFile().toFile()))
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("formatting Kafka storage timed out; see " + o.logFile());
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "formatting Kafka storage failed (exit status "
                + p.exitValue()
                + "):\n"
                + ManagedProcess.tail(o.logFile(), 20));
      }
      Properties out = new Properties();
      out.setProperty("controller", controller);
      out.setProperty("cluster.id", clusterId);
      try (var w = Files.newBufferedWriter(record, StandardCharsets.UTF_8)) {
        out.store(w, "The controller endpoint this data directory was formatted for");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot format Kafka storage: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while formatting Kafka storage", e);
    }
  }

  private static Properties load(Path file) {
    Properties p = new Properties();
    if (Files.isRegularFile(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return p;
  }

  /** Fails fast with a useful message instead of a broker that dies on "Address already in use". */
  static void requireFree(String host, int port, String key) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw new ConfigException(
          key
              + ": "
              + host
              + ":"
              + port
              + " is already in use (another broker? try deploy/bin/broker.sh status,"
              + " or choose another port)");
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  // The broker logs through SLF4J; without a configuration logback would print DEBUG.
  private static final String LOGBACK =
      """
      <configuration>
        <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder><pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
        </appender>
        <logger name="kafka.request.logger" level="WARN"/>
        <logger name="state.change.logger" level="WARN"/>
        <logger name="org.apache.kafka.clients" level="WARN"/>
        <root level="INFO"><appender-ref ref="OUT"/></root>
      </configuration>
      """;
}
