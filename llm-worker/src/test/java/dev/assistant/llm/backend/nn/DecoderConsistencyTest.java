package dev.assistant.llm.backend.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.assistant.llm.TestModels;
import dev.assistant.llm.backend.llava.LlavaModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Self-consistency of the decoder: cached decoding, batching and quantization. */
class DecoderConsistencyTest {
  private static LlavaModel model;
  private static LlamaDecoder decoder;

  @BeforeAll
  static void load() {
    model = TestModels.load(TestModels.tiny(), WeightFormat.FP32);
    decoder = model.network().decoder();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static int[] tokens(int n, int seed) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = 1 + Math.floorMod(seed * 7919 + i * 104729, 31999);
    }
    return t;
  }

  private static float[] logitsOfPrefix(int[] ids, int length) {
    try (NDManager step = model.manager().newSubManager();
        KvCache cache = decoder.newCache(model.manager(), length)) {
      int[] prefix = java.util.Arrays.copyOf(ids, length);
      return decoder.forward(
          step, List.of(new LlamaDecoder.Chunk(cache, decoder.embed(prefix), length)), false);
    }
  }

  @Test
  void kvCacheMatchesFullRecompute() {
    int[] ids = tokens(24, 3);
    int prompt = 8;
    double worst = 0;
    try (KvCache cache = decoder.newCache(model.manager(), ids.length)) {
      float[] logits;
      try (NDManager step = model.manager().newSubManager()) {
        logits =
            decoder.forward(
                step,
                List.of(
                    new LlamaDecoder.Chunk(
                        cache, decoder.embed(java.util.Arrays.copyOf(ids, prompt)), prompt)),
                false);
      }
      worst = Math.max(worst, maxDiff(logits, logitsOfPrefix(ids, prompt)));
      for (int t = prompt; t < ids.length; t++) {
        try (NDManager step = model.manager().newSubManager()) {
          logits =
              decoder.forward(
                  step,
                  List.of(new LlamaDecoder.Chunk(cache, decoder.embed(new int[] {ids[t]}), 1)),
                  false);
        }
        worst = Math.max(worst, maxDiff(logits, logitsOfPrefix(ids, t + 1)));
      }
    }
    assertTrue(worst < 1e-4, "max |cached - recomputed| = " + worst);
    // The check has teeth: logits of different positions differ by far more than the tolerance.
    assertTrue(maxDiff(logitsOfPrefix(ids, 9), logitsOfPrefix(ids, 10)) > 1e-2);
  }

  @Test
  void batchedStepEqualsOneByOne() {
    int[][] prompts = {tokens(5, 1), tokens(9, 2), tokens(3, 4)};
    List<KvCache> caches = new ArrayList<>();
    List<float[]> single = new ArrayList<>();
    try {
      List<LlamaDecoder.Chunk> chunks = new ArrayList<>();
      for (int[] p : prompts) {
        KvCache c = decoder.newCache(model.manager(), p.length + 1);
        caches.add(c);
        try (NDManager step = model.manager().newSubManager()) {
          decoder.forward(
              step, List.of(new LlamaDecoder.Chunk(c, decoder.embed(p), p.length)), false);
        }
        chunks.add(new LlamaDecoder.Chunk(c, decoder.embed(new int[] {42 + p.length}), 1));
        int[] extended = java.util.Arrays.copyOf(p, p.length + 1);
        extended[p.length] = 42 + p.length;
        single.add(logitsOfPrefix(extended, extended.length));
      }
      float[] batched;
      try (NDManager step = model.manager().newSubManager()) {
        batched = decoder.forward(step, chunks, false);
      }
      int vocab = decoder.config().vocabSize();
      assertEquals(prompts.length * vocab, batched.length);
      for (int i = 0; i < prompts.length; i++) {
        float[] row = java.util.Arrays.copyOfRange(batched, i * vocab, (i + 1) * vocab);
        double d = maxDiff(row, single.get(i));
        assertTrue(d < 1e-4, "sequence " + i + " differs by " + d);
      }
    } finally {
      caches.forEach(KvCache::close);
    }
  }

  static double maxDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
