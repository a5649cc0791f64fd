package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the launcher runs the stack.
 *
 * @param repoRoot where the modules' {@code target/} folders are
 * @param runDir generated configs, logs, PID files, broker data and default models
 * @param services which services to run (start order)
 * @param externalKafka use {@code kafka.bootstrap.servers} instead of starting a broker
 * @param grpcHost address the gateway is reached at (its bind address; loopback for a wildcard)
 * @param grpcPort the gateway's gRPC port
 * @param metricsPorts each service's Prometheus port
 * @param startTimeout how long one service may take to become ready (model loading included)
 * @param stopTimeout how long one service may take to stop after SIGTERM
 * @param jvmArgs extra JVM arguments per service
 * @param version the project version in the jar names
 * @param launches what to run for each service: its shaded jar and main class, unless {@code
 *     launcher.<service>.classpath} / {@code launcher.<service>.main.class} say otherwise (another
 *     build, a profiler agent's wrapper, a test double)
 */
public record StackOptions(
    Path repoRoot,
    Path runDir,
    List<StackService> services,
    boolean externalKafka,
    String grpcHost,
    int grpcPort,
    Map<StackService, Integer> metricsPorts,
    Duration startTimeout,
    Duration stopTimeout,
    Map<StackService, List<String>> jvmArgs,
    String version,
    Map<StackService, Launch> launches) {

  /** A classpath and the main class to run from it. */
  public record Launch(String classpath, String mainClass, boolean isDefaultJar) {}

  /** Where the gateway listens unless configured: a development stack stays on this machine. */
  static final String LOOPBACK = "127.0.0.1";

  /** The project version the launcher was built with (jar names carry it). */
  public static final String PROJECT_VERSION = "0.1.0-SNAPSHOT";

  public StackOptions {
    services = List.copyOf(services);
    if (services.isEmpty()) {
      throw new ConfigException("launcher.services is empty: nothing to run");
    }
    metricsPorts = Map.copyOf(metricsPorts);
    jvmArgs = Map.copyOf(jvmArgs);
    launches = Map.copyOf(launches);
    if (grpcPort < 1 || grpcPort > 65535) {
      throw new ConfigException(StackService.GRPC_PORT_KEY + "=" + grpcPort + " is not a port");
    }
    for (StackService s : services) {
      Integer p = metricsPorts.get(s);
      if (p == null || p < 1 || p > 65535) {
        throw new ConfigException(s.metricsPortKey() + "=" + p + " is not a port");
      }
    }
    if (metricsPorts.values().stream().distinct().count() != metricsPorts.size()) {
      throw new ConfigException("two services share a metrics port: " + metricsPorts);
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new ConfigException("launcher.start.timeout must be positive");
    }
    if (stopTimeout.isNegative() || stopTimeout.isZero()) {
      throw new ConfigException("launcher.stop.timeout must be positive");
    }
  }

  /**
   * Options from configuration. Keys: {@code launcher.run.dir} (default {@code run}), {@code
   * launcher.services} (default all), {@code broker.mode} ({@code local} or {@code external}),
   * {@code gateway.host}, {@code gateway.port}, {@code <service>.metrics.port}, {@code
   * launcher.start.timeout}, {@code launcher.stop.timeout}, {@code launcher.<service>.jvm.args}.
   */
  public static StackOptions from(Config config, Path repoRoot) {
    String mode = config.getString("broker.mode", "local");
    if (!mode.equals("local") && !mode.equals("external")) {
      throw new ConfigException("broker.mode='" + mode + "' must be local or external");
    }
    List<StackService> services;
    try {
      services =
          StackService.parse(
              config.getList("launcher.services", List.of("stt", "llm", "tts", "gateway")));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("launcher.services: " + e.getMessage());
    }
    Map<StackService, Integer> metrics = new EnumMap<>(StackService.class);
    Map<StackService, List<String>> jvm = new EnumMap<>(StackService.class);
    Map<StackService, Launch> launches = new EnumMap<>(StackService.class);
    Path root = repoRoot.toAbsolutePath().normalize();
    String version = config.getString("launcher.version", PROJECT_VERSION);
    for (StackService s : StackService.values()) {
      Optional<String> cp = config.get("launcher." + s.id() + ".classpath");
      launches.put(
          s,
          new Launch(
              cp.orElse(s.jar(root, version).toString()),
              config.getString("launcher." + s.id() + ".main.class", s.mainClass()),
              cp.isEmpty()));
      metrics.put(s, config.getInt(s.metricsPortKey(), s.defaultMetricsPort(), 1, 65535));
      jvm.put(
          s,
          config
              .get("launcher." + s.id() + ".jvm.args")
              .map(v -> Arrays.stream(v.trim().split("\\s+")).toList())
              .orElse(List.of()));
    }
    return new StackOptions(
        repoRoot.toAbsolutePath().normalize(),
        repoRoot.resolve(config.getString("launcher.run.dir", "run")).toAbsolutePath().normalize(),
        services,
        mode.equals("external"),
        probeHost(config.getString(StackService.GRPC_HOST_KEY, LOOPBACK)),
        config.getInt(StackService.GRPC_PORT_KEY, StackService.DEFAULT_GRPC_PORT, 1, 65535),
        metrics,
        config.getDuration("launcher.start.timeout", Duration.ofMinutes(5)),
        config.getDuration("launcher.stop.timeout", Duration.ofSeconds(30)),
        jvm,
        version,
        launches);
  }

  /** A wildcard bind address is reached through loopback. */
  static String probeHost(String bindHost) {
    return bindHost.equals("0.0.0.0") || bindHost.equals("::") ? LOOPBACK : bindHost;
  }

  public Path logDir() {
    return runDir.resolve("logs");
  }

  public Path configDir() {
    return runDir.resolve("config");
  }

  public Path pidDir() {
    return runDir.resolve("pids");
  }

  public Path modelDir() {
    return runDir.resolve("models");
  }

  public Path brokerDataDir() {
    return runDir.resolve("broker");
  }
}
