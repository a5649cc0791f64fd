package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
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
 * @param scale how many processes of each service to run ({@code launcher.scale}, {@code --scale
 *     stt=2,llm=2}); services not in it run once
 * @param restartPolicy how a process that exited unasked is restarted
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
    Map<StackService, Launch> launches,
    Map<StackService, Integer> scale,
    RestartPolicy restartPolicy) {

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
    scale = Map.copyOf(scale);
    for (var e : scale.entrySet()) {
      if (!services.contains(e.getKey())) {
        throw new ConfigException(
            "launcher.scale names " + e.getKey().id() + ", which is not in launcher.services");
      }
      if (e.getValue() < 1) {
        throw new ConfigException("launcher.scale: " + e.getKey().id() + " needs at least 1");
      }
    }
    requireDistinctPorts(instances(services, scale, metricsPorts, grpcPort));
  }

  /**
   * Every process this launcher runs, in start order (instances of a service one after another).
   */
  public List<ServiceInstance> instances() {
    return instances(services, scale, metricsPorts, grpcPort);
  }

  /** How many processes of {@code s} run (0 when it is not among the services). */
  public int instanceCount(StackService s) {
    return services.contains(s) ? scale.getOrDefault(s, 1) : 0;
  }

  private static List<ServiceInstance> instances(
      List<StackService> services,
      Map<StackService, Integer> scale,
      Map<StackService, Integer> metricsPorts,
      int grpcPort) {
    List<ServiceInstance> all = new ArrayList<>();
    for (StackService s : services) {
      for (int i = 1; i <= scale.getOrDefault(s, 1); i++) {
        all.add(ServiceInstance.of(s, i, metricsPorts.get(s), grpcPort));
      }
    }
    return List.copyOf(all);
  }

  /** Scaled-out instances get derived ports; they must not land on another one's port. */
  private static void requireDistinctPorts(List<ServiceInstance> instances) {
    Map<Integer, String> owners = new HashMap<>();
    for (ServiceInstance i : instances) {
      claim(owners, i.metricsPort(), i.name() + " metrics");
      i.grpcPort().ifPresent(p -> claim(owners, p, i.name() + " gRPC"));
    }
  }

  private static void claim(Map<Integer, String> owners, int port, String what) {
    if (port > 65535) {
      throw new ConfigException(what + " port " + port + " is not a port; lower the base port");
    }
    String other = owners.putIfAbsent(port, what);
    if (other != null) {
      throw new ConfigException(
          what
              + " and "
              + other
              + " would both use port "
              + port
              + "; choose other base ports (<service>.metrics.port, gateway.port,"
              + " gateway.openai.port)");
    }
  }

  /**
   * Options from configuration. Keys: {@code launcher.run.dir} (default {@code run}), {@code
   * launcher.services} (default all), {@code broker.mode} ({@code local} or {@code external}),
   * {@code gateway.host}, {@code gateway.port}, {@code <service>.metrics.port}, {@code
   * launcher.start.timeout}, {@code launcher.stop.timeout}, {@code launcher.<service>.jvm.args},
   * {@code launcher.scale}, {@code launcher.restart.*} (see {@link RestartPolicy}).
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
    StackOptions options =
        new StackOptions(
            repoRoot.toAbsolutePath().normalize(),
            repoRoot
                .resolve(config.getString("launcher.run.dir", "run"))
                .toAbsolutePath()
                .normalize(),
            services,
            mode.equals("external"),
            probeHost(config.getString(StackService.GRPC_HOST_KEY, LOOPBACK)),
            config.getInt(StackService.GRPC_PORT_KEY, StackService.DEFAULT_GRPC_PORT, 1, 65535),
            metrics,
            config.getDuration("launcher.start.timeout", Duration.ofMinutes(5)),
            config.getDuration("launcher.stop.timeout", Duration.ofSeconds(30)),
            jvm,
            version,
            launches,
            Scale.parse(config.getString("launcher.scale", "")),
            RestartPolicy.from(config));
    // The OpenAI API ports come from the gateway's own configuration, so they are checked here.
    Map<Integer, String> owners = new HashMap<>();
    for (ServiceInstance i : options.instances()) {
      claim(owners, i.metricsPort(), i.name() + " metrics");
      i.grpcPort().ifPresent(p -> claim(owners, p, i.name() + " gRPC"));
      ServiceConfigs.openAiPort(config, i)
          .ifPresent(
              p -> {
                if (p > 0) {
                  claim(owners, p, i.name() + " OpenAI API");
                }
              });
    }
    return options;
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

  /** Requests from {@code run-local.sh restart} to the running launcher. */
  public Path controlDir() {
    return runDir.resolve("control");
  }
}
