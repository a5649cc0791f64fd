package dev.assistant.llm.backend;

import java.util.Set;

/**
 * How the next token is chosen.
 *
 * @param maxNewTokens upper bound of generated tokens (finish reason "length")
 * @param temperature 0 selects greedy decoding; otherwise logits are divided by it
 * @param topK keep only the k most likely tokens; 0 disables
 * @param topP keep the smallest set whose probability reaches p (nucleus); 1 disables
 * @param repetitionPenalty CTRL-style penalty on tokens already in the sequence; 1 disables
 * @param seed seeds the per-request random stream, so a replay yields the same tokens
 * @param stopTokens token IDs that end generation (the model's EOS is always one)
 */
public record SamplingOptions(
    int maxNewTokens,
    double temperature,
    int topK,
    double topP,
    double repetitionPenalty,
    long seed,
    Set<Integer> stopTokens) {

  public SamplingOptions {
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0, got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
    if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
      throw new IllegalArgumentException("repetitionPenalty must be > 0, got " + repetitionPenalty);
    }
    stopTokens = Set.copyOf(stopTokens);
  }

  /** Greedy decoding of up to {@code maxNewTokens}. */
  public static SamplingOptions greedy(int maxNewTokens) {
    return new SamplingOptions(maxNewTokens, 0, 0, 1, 1, 0, Set.of());
  }

  public boolean isGreedy() {
    return temperature == 0;
  }
}
