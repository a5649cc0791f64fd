package dev.assistant.llm;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import dev.assistant.llm.backend.llava.LlavaOptions;
import dev.assistant.llm.backend.nn.WeightFormat;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The llm-worker's configuration keys (see docs/stages/llm.md).
 *
 * @param defaultMaxTokens answer length when a request sets none ({@code llm.max.new.tokens})
 * @param maxTokensLimit upper bound of a request's {@code max_tokens} ({@code
 *     llm.max.new.tokens.limit})
 * @param imagePrompt user text when a request has an image but no text ({@code
 *     llm.image.default.prompt})
 * @param kernelThreads threads of the quantized kernels ({@code llm.kernel.threads}, 0 = cores)
 */
public record LlmSettings(
    LlavaOptions model,
    int defaultMaxTokens,
    int maxTokensLimit,
    String imagePrompt,
    int kernelThreads) {

  public LlmSettings {
    if (defaultMaxTokens < 1 || maxTokensLimit < defaultMaxTokens) {
      throw new ConfigException("llm.max.new.tokens must be >= 1 and <= llm.max.new.tokens.limit");
    }
  }

  public static LlmSettings from(Config config) {
    Path dir = Path.of(config.require("llm.model.dir"));
    if (!Files.isDirectory(dir)) {
      throw new ConfigException("llm.model.dir=" + dir + " is not a directory");
    }
    WeightFormat format;
    try {
      format = WeightFormat.parse(config.getString("llm.quantization", "q4"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("llm.quantization: " + e.getMessage());
    }
    LlavaOptions options;
    try {
      options =
          new LlavaOptions(
              dir,
              format,
              config.getString("llm.device", "auto"),
              config.getInt("llm.quantization.block.size", 64, 32, 4096),
              config.getInt("llm.batch.max", 8, 1, 256),
              config.getBytes("llm.kv.budget", 2L << 30),
              config.getInt("llm.context.length", 0, 0, 1 << 20),
              config.getBytes("llm.image.max.bytes", 20L << 20),
              config.getLong("llm.image.max.pixels", 40_000_000L),
              config.getBoolean("llm.user.special.tokens", false));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("llm settings: " + e.getMessage());
    }
    return new LlmSettings(
        options,
        config.getInt("llm.max.new.tokens", 256, 1, 1 << 20),
        config.getInt("llm.max.new.tokens.limit", 2048, 1, 1 << 20),
        config.getString("llm.image.default.prompt", "Describe this image."),
        config.getInt("llm.kernel.threads", 0, 0, 1024));
  }
}
