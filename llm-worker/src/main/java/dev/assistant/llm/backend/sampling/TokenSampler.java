package dev.assistant.llm.backend.sampling;

import dev.assistant.llm.backend.SamplingOptions;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses tokens for one sequence in transformers' order: repetition penalty over every token seen
 * so far, then temperature, top-k, top-p, and a draw from the softmax (or argmax when the
 * temperature is 0). The random stream is seeded per sequence, so equal inputs and seed give equal
 * tokens however requests are batched.
 *
 * <p>Not thread-safe: one instance per sequence.
 */
public final class TokenSampler {
  private final SamplingOptions options;
  private final SplittableRandom random;
  private final boolean[] seen;

  public TokenSampler(SamplingOptions options, int vocab) {
    this.options = options;
    this.random = new SplittableRandom(options.seed());
    this.seen = new boolean[vocab];
  }

  /** Marks tokens (prompt or generated) for the repetition penalty. */
  public void observe(int token) {
    if (token >= 0 && token < seen.length) {
      seen[token] = true;
    }
  }

  /** Picks the next token from {@code logits[offset, offset + vocab)}; the slice is modified. */
  public int next(float[] logits, int offset) {
    int vocab = seen.length;
    float penalty = (float) options.repetitionPenalty();
    if (penalty != 1f) {
      for (int t = 0; t < vocab; t++) {
        if (seen[t]) {
          float l = logits[offset + t];
          logits[offset + t] = l < 0 ? l * penalty : l / penalty;
        }
      }
    }
    if (options.isGreedy()) {
      return argmax(logits, offset, vocab);
    }
    return sample(logits, offset, vocab);
  }

  static int argmax(float[] logits, int offset, int vocab) {
    int best = 0;
    float max = Float.NEGATIVE_INFINITY;
    for (int t = 0; t < vocab; t++) {
      if (logits[offset + t] > max) {
        max = logits[offset + t];
        best = t;
      }
    }
    return best;
  }

  private int sample(float[] logits, int offset, int vocab) {
    float invT = (float) (1.0 / options.temperature());
    // Sort candidates by descending logit: pack (order-preserving key, index) into longs.
    long[] keys = new long[vocab];
    for (int t = 0; t < vocab; t++) {
      float l = logits[offset + t] * invT;
      int bits = Float.floatToIntBits(l);
      int ordered = bits >= 0 ? bits : bits ^ 0x7fffffff;
      keys[t] = ((long) ~ordered << 32) | t;
    }
    Arrays.sort(keys);
    int keep = options.topK() > 0 ? Math.min(options.topK(), vocab) : vocab;
    double maxLogit = logits[offset + (int) keys[0]] * invT;
    double[] probs = new double[keep];
    double total = 0;
    for (int i = 0; i < keep; i++) {
      probs[i] = Math.exp(logits[offset + (int) keys[i]] * invT - maxLogit);
      total += probs[i];
    }
    if (options.topP() < 1) {
      double cumulative = 0;
      int cut = keep;
      for (int i = 0; i < keep; i++) {
        cumulative += probs[i] / total;
        // Keep the smallest prefix whose mass reaches top_p (always at least one token).
        if (cumulative >= options.topP()) {
          cut = i + 1;
          break;
        }
      }
      keep = cut;
      total = 0;
      for (int i = 0; i < keep; i++) {
        total += probs[i];
      }
    }
    double u = random.nextDouble() * total;
    double acc = 0;
    for (int i = 0; i < keep; i++) {
      acc += probs[i];
      if (u < acc) {
        return (int) keys[i];
      }
    }
    return (int) keys[keep - 1];
  }
}
