package dev.assistant.deploy.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Whether some service reads a configuration key: the key must appear as a string literal in the
 * main sources of the service modules (settings are read with literal keys: {@code
 * config.getInt("gateway.max.inflight", ...)}), or be one of the families the services pass on
 * whole (Kafka client settings) or build from a stage name.
 */
final class ServiceKeys {
  static final List<String> MODULES =
      List.of("common", "audio", "gateway", "stt-worker", "llm-worker", "tts-worker");

  /** Prefixes passed through to Kafka clients unchanged (KafkaSettings). */
  static final List<String> PASSED_THROUGH =
      List.of(
          "kafka.security.",
          "kafka.sasl.",
          "kafka.ssl.",
          "kafka.client.",
          "kafka.producer.",
          "kafka.consumer.",
          "kafka.streams.client.");

  private static String sources;

  private ServiceKeys() {}

  static boolean isRead(String key) {
    if (key.equals("config")) {
      return true; // ASSISTANT_CONFIG: the file itself (Config.fromArgs)
    }
    if (PASSED_THROUGH.stream().anyMatch(key::startsWith)) {
      return true;
    }
    // <stage>.metrics.port and <stage>.worker.* are read as name + ".metrics.port" and through
    // WorkerSettings' per-stage overlay.
    String unstaged = key.replaceFirst("^(stt|llm|tts)\\.(?=metrics\\.port$|worker\\.)", "");
    if (!unstaged.equals(key)) {
      return unstaged.equals("metrics.port")
          ? source().contains("\".metrics.port\"")
          : isRead(unstaged);
    }
    return source().contains("\"" + key + "\"");
  }

  private static synchronized String source() {
    if (sources == null) {
      StringBuilder all = new StringBuilder();
      Path root = Path.of(System.getProperty("repo.root", ".."));
      for (String module : MODULES) {
        try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
          for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
            all.append(Files.readString(f)).append('\n');
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      sources = all.toString();
    }
    return sources;
  }
}
