package dev.assistant.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The services the launcher runs, in start order: workers first, the gateway last, so that the gRPC
 * endpoint is announced only once every stage behind it is up. They stop in reverse order: the
 * gateway stops taking requests before the workers go away.
 */
public enum StackService {
  STT("stt", "stt-worker", "dev.assistant.stt.SttWorkerMain", 9401),
  LLM("llm", "llm-worker", "dev.assistant.llm.LlmWorkerMain", 9402),
  TTS("tts", "tts-worker", "dev.assistant.tts.TtsWorkerMain", 9403),
  GATEWAY("gateway", "gateway", "dev.assistant.gateway.GatewayMain", 9400);

  /** The gateway's gRPC port key and default. */
  public static final String GRPC_PORT_KEY = "gateway.port";

  /** The gateway's bind address key. */
  public static final String GRPC_HOST_KEY = "gateway.host";

  public static final int DEFAULT_GRPC_PORT = 50051;

  private final String id;
  private final String module;
  private final String mainClass;
  private final int defaultMetricsPort;

  StackService(String id, String module, String mainClass, int defaultMetricsPort) {
    this.id = id;
    this.module = module;
    this.mainClass = mainClass;
    this.defaultMetricsPort = defaultMetricsPort;
  }

  /** Short name used in config keys ({@code stt.metrics.port}) and log file names. */
  public String id() {
    return id;
  }

  public String module() {
    return module;
  }

  public String mainClass() {
    return mainClass;
  }

  /** Each service gets its own port so that all of them fit on one machine. */
  public int defaultMetricsPort() {
    return defaultMetricsPort;
  }

  /** The key the service reads its metrics port from (common's {@code <stage>.metrics.port}). */
  public String metricsPortKey() {
    return id + ".metrics.port";
  }

  /** The service's shaded jar, as {@code mvn package} leaves it. */
  public Path jar(Path repoRoot, String version) {
    return repoRoot.resolve(module).resolve("target").resolve(module + "-" + version + "-all.jar");
  }

  /** Parses a list such as {@code gateway,stt} (names or module names), in start order. */
  public static List<StackService> parse(List<String> names) {
    return names.stream().map(StackService::byName).distinct().sorted().toList();
  }

  static StackService byName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (StackService s : values()) {
      if (s.id.equals(n) || s.module.equals(n)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown service '" + name + "' (known: gateway, stt, llm, tts)");
  }
}
