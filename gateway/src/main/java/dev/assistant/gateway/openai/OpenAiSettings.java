package dev.assistant.gateway.openai;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Configuration of the OpenAI-compatible HTTP API ({@code gateway.openai.*}).
 *
 * @param enabled whether the gateway serves it
 * @param host address to bind
 * @param port port to bind; 0 picks a free one
 * @param apiKeys accepted bearer tokens; empty means no authentication
 * @param threads requests served at once (a streaming response holds its thread to the end)
 * @param maxBodyBytes largest request body; larger ones get 413 before they are read
 * @param models the model IDs listed and accepted
 */
record OpenAiSettings(
    boolean enabled,
    String host,
    int port,
    List<String> apiKeys,
    int threads,
    long maxBodyBytes,
    ModelCatalog models) {

  static final String PREFIX = "gateway.openai.";

  static OpenAiSettings from(Config config) {
    long maxBody = config.getBytes(PREFIX + "max.body.bytes", 48L << 20);
    if (maxBody < 1024 || maxBody > Integer.MAX_VALUE - 8) {
      throw new ConfigException(PREFIX + "max.body.bytes=" + maxBody + " is out of range");
    }
    return new OpenAiSettings(
        config.getBoolean(PREFIX + "enabled", true),
        config.getString(PREFIX + "host", "127.0.0.1"),
        config.getInt(PREFIX + "port", 8000, 0, 65535),
        config.getList(PREFIX + "api.keys", List.of()),
        config.getInt(PREFIX + "threads", 64, 1, 10_000),
        maxBody,
        new ModelCatalog(
            config.getString(PREFIX + "models.stt", defaultSttModel(config)),
            config.getString(PREFIX + "models.llm", defaultLlmModel(config)),
            config.getString(PREFIX + "models.tts", config.getString("tts.backend", "freetts"))));
  }

  /**
   * The recognizer's model file name without its extension. The gateway never loads a model, but a
   * deployment that configures all services from one file (as the local launcher does) names it
   * here too; otherwise the name of the launcher's generated model.
   */
  static String defaultSttModel(Config config) {
    return config
        .getPath("stt.model.path")
        .map(p -> stripExtension(fileName(p)))
        .orElse("whisper-random-tiny");
  }

  /** The language model's checkpoint directory name, or the launcher's generated one. */
  static String defaultLlmModel(Config config) {
    return config.getPath("llm.model.dir").map(OpenAiSettings::fileName).orElse("llava-random");
  }

  private static String fileName(Path p) {
    Path name = p.toAbsolutePath().normalize().getFileName();
    return name == null ? p.toString() : name.toString();
  }

  private static String stripExtension(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && name.substring(dot).toLowerCase(Locale.ROOT).equals(".bin")
        ? name.substring(0, dot)
        : name;
  }
}
