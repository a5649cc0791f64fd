package dev.assistant.llm.backend.llava;

import dev.assistant.llm.backend.nn.WeightFormat;
import java.nio.file.Path;

/**
 * How to load and serve a LLaVA checkpoint.
 *
 * @param device {@code auto} (GPU when the engine sees one), {@code cpu} or {@code gpu}
 * @param quantBlockSize weights per scale for the quantized formats (multiple of 32)
 * @param maxBatch sequences decoded together
 * @param kvBudgetBytes KV cache memory shared by running sequences
 * @param contextLength positions per sequence; 0 uses {@code max_position_embeddings}
 * @param maxImageBytes encoded image size limit
 * @param maxImagePixels decoded image size limit (width × height)
 * @param userSpecialTokens whether control tokens typed in user text ({@code </s>}) act as control
 *     tokens; false reads them as the characters they are (only the chat template places control
 *     tokens). Only for callers who are trusted to shape the prompt.
 */
public record LlavaOptions(
    Path modelDir,
    WeightFormat format,
    String device,
    int quantBlockSize,
    int maxBatch,
    long kvBudgetBytes,
    int contextLength,
    long maxImageBytes,
    long maxImagePixels,
    boolean userSpecialTokens) {

  public LlavaOptions {
    if (modelDir == null) {
      throw new IllegalArgumentException("model directory is required");
    }
    if (!device.equals("auto") && !device.equals("cpu") && !device.equals("gpu")) {
      throw new IllegalArgumentException("device must be auto, cpu or gpu, got '" + device + "'");
    }
    if (quantBlockSize < 32 || quantBlockSize % 32 != 0) {
      throw new IllegalArgumentException(
          "quantization block size must be a positive multiple of 32");
    }
    if (maxBatch < 1 || maxBatch > 256) {
      throw new IllegalArgumentException("max batch must be in [1, 256]");
    }
    if (kvBudgetBytes < 1 << 20) {
      throw new IllegalArgumentException("KV budget must be at least 1 MiB");
    }
    if (contextLength < 0 || maxImageBytes < 1 || maxImagePixels < 1) {
      throw new IllegalArgumentException("context length and image limits must be positive");
    }
  }

  /** Defaults for a model directory: fp32 on CPU, batch 8, 2 GiB of KV cache. */
  public static LlavaOptions defaults(Path modelDir) {
    return new LlavaOptions(
        modelDir, WeightFormat.FP32, "auto", 64, 8, 2L << 30, 0, 20L << 20, 40_000_000L, false);
  }

  public LlavaOptions withUserSpecialTokens(boolean allowed) {
    return new LlavaOptions(
        modelDir,
        format,
        device,
        quantBlockSize,
        maxBatch,
        kvBudgetBytes,
        contextLength,
        maxImageBytes,
        maxImagePixels,
        allowed);
  }

  public LlavaOptions withFormat(WeightFormat f) {
    return new LlavaOptions(
        modelDir,
        f,
        device,
        quantBlockSize,
        maxBatch,
        kvBudgetBytes,
        contextLength,
        maxImageBytes,
        maxImagePixels,
        userSpecialTokens);
  }

  public LlavaOptions withDevice(String d) {
    return new LlavaOptions(
        modelDir,
        format,
        d,
        quantBlockSize,
        maxBatch,
        kvBudgetBytes,
        contextLength,
        maxImageBytes,
        maxImagePixels,
        userSpecialTokens);
  }

  public LlavaOptions withMaxBatch(int n) {
    return new LlavaOptions(
        modelDir,
        format,
        device,
        quantBlockSize,
        n,
        kvBudgetBytes,
        contextLength,
        maxImageBytes,
        maxImagePixels,
        userSpecialTokens);
  }

  public LlavaOptions withContextLength(int n) {
    return new LlavaOptions(
        modelDir,
        format,
        device,
        quantBlockSize,
        maxBatch,
        kvBudgetBytes,
        n,
        maxImageBytes,
        maxImagePixels,
        userSpecialTokens);
  }

  public LlavaOptions withKvBudget(long bytes) {
    return new LlavaOptions(
        modelDir,
        format,
        device,
        quantBlockSize,
        maxBatch,
        bytes,
        contextLength,
        maxImageBytes,
        maxImagePixels,
        userSpecialTokens);
  }
}
