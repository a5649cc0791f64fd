package dev.assistant.llm.backend.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.assistant.llm.TestModels;
import dev.assistant.llm.backend.llava.LlavaModel;
import dev.assistant.llm.tools.CheckpointSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Quantized weights must pick the same next token as fp32 at ≥ 95% of positions (teacher-forced
 * over one sequence, so that one disagreement does not derail the rest), for both the dense prefill
 * path and the fused decode kernels.
 */
class QuantizedAgreementTest {
  private static final int LENGTH = 80;

  private static int[] sequence() {
    int[] t = new int[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      t[i] = 1 + Math.floorMod(i * 2654435761L, 31999);
    }
    return t;
  }

  /** Argmax per position: prefill of the first half (banded dense path), then 1-token steps. */
  private static int[] argmaxes(LlavaModel model) {
    LlamaDecoder d = model.network().decoder();
    int vocab = d.config().vocabSize();
    int[] ids = sequence();
    int[] out = new int[LENGTH];
    int half = LENGTH / 2;
    try (KvCache cache = d.newCache(model.manager(), LENGTH)) {
      try (NDManager step = model.manager().newSubManager()) {
        float[] all =
            d.forward(
                step,
                List.of(
                    new LlamaDecoder.Chunk(
                        cache, d.embed(java.util.Arrays.copyOf(ids, half)), half)),
                true);
        for (int i = 0; i < half; i++) {
          out[i] = argmax(all, i * vocab, vocab);
        }
      }
      for (int i = half; i < LENGTH; i++) {
        try (NDManager step = model.manager().newSubManager()) {
          float[] l =
              d.forward(
                  step,
                  List.of(new LlamaDecoder.Chunk(cache, d.embed(new int[] {ids[i]}), 1)),
                  false);
          out[i] = argmax(l, 0, vocab);
        }
      }
    }
    return out;
  }

  private static int argmax(float[] a, int off, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (a[off + i] > a[off + best]) {
        best = i;
      }
    }
    return best;
  }

  private static Path peaked() {
    return TestModels.checkpoint("tiny-peaked", CheckpointSpec.tinyPeaked());
  }

  private static int[] reference;
  private static long fp32Bytes;

  @org.junit.jupiter.api.BeforeAll
  static void fp32Reference() {
    try (LlavaModel fp32 = TestModels.load(peaked(), WeightFormat.FP32)) {
      reference = argmaxes(fp32);
      fp32Bytes = fp32.residentWeightBytes();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = WeightFormat.class,
      names = {"FP16", "INT8", "NF4", "Q4"})
  void topOneAgreesWithFp32(WeightFormat format) {
    int[] quantized;
    long bytes;
    try (LlavaModel q = TestModels.load(peaked(), format)) {
      quantized = argmaxes(q);
      bytes = q.residentWeightBytes();
    }
    int agree = 0;
    for (int i = 0; i < LENGTH; i++) {
      agree += reference[i] == quantized[i] ? 1 : 0;
    }
    double rate = agree / (double) LENGTH;
    assertTrue(rate >= 0.95, format + " agrees with fp32 at " + rate);
    assertTrue(bytes < fp32Bytes, format + " holds " + bytes + " B, fp32 " + fp32Bytes);
  }
}
