package dev.assistant.llm.backend.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.llm.backend.SamplingOptions;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {
  private static SamplingOptions opts(double t, int k, double p, double rep, long seed) {
    return new SamplingOptions(16, t, k, p, rep, seed, Set.of());
  }

  private static float[] logits() {
    float[] l = new float[100];
    for (int i = 0; i < l.length; i++) {
      l[i] = (float) Math.sin(i * 1.3) * 3;
    }
    return l;
  }

  private static int[] draw(SamplingOptions o, int n) {
    TokenSampler s = new TokenSampler(o, 100);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = s.next(logits(), 0);
    }
    return out;
  }

  @Test
  void greedyPicksTheArgmax() {
    int best = TokenSampler.argmax(logits(), 0, 100);
    assertEquals(best, draw(SamplingOptions.greedy(4), 1)[0]);
  }

  @Test
  void seededSamplingIsReproducibleAndSeedDependent() {
    int[] a = draw(opts(1.0, 0, 1, 1, 7), 50);
    int[] b = draw(opts(1.0, 0, 1, 1, 7), 50);
    int[] c = draw(opts(1.0, 0, 1, 1, 8), 50);
    assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
    assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
  }

  @Test
  void topKAndTopPRestrictTheCandidates() {
    float[] l = logits();
    Integer[] order = new Integer[100];
    for (int i = 0; i < 100; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Float.compare(l[y], l[x]));
    Set<Integer> top3 = Set.of(order[0], order[1], order[2]);
    for (int t : draw(opts(2.0, 3, 1, 1, 1), 200)) {
      assertTrue(top3.contains(t), "top-k 3 drew " + t);
    }
    assertEquals(order[0], draw(opts(1.0, 1, 1, 1, 3), 1)[0]);
    // A tiny nucleus keeps only the most likely token.
    Set<Integer> seen = new HashSet<>();
    for (int t : draw(opts(1.0, 0, 1e-6, 1, 5), 50)) {
      seen.add(t);
    }
    assertEquals(Set.of(order[0]), seen);
  }

  @Test
  void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
    TokenSampler s = new TokenSampler(opts(0, 0, 1, 2.0, 0), 4);
    s.observe(0);
    s.observe(1);
    float[] l = {3f, -1f, 2f, -5f};
    assertEquals(2, s.next(l, 0));
    assertEquals(1.5f, l[0]);
    assertEquals(-2f, l[1]);
    assertEquals(2f, l[2]);
  }
}
