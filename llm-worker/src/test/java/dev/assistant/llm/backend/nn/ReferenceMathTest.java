package dev.assistant.llm.backend.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.assistant.llm.backend.config.RopeConfig;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Engine implementations of the building blocks against plain-Java loops on small tensors. */
class ReferenceMathTest {
  private static NDManager manager;

  @BeforeAll
  static void start() {
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  private static void assertClose(float[] expected, float[] actual, double tol) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol, "element " + i);
    }
  }

  @Test
  void rmsNormMatchesReference() {
    int rows = 3;
    int d = 16;
    float[] x = random(rows * d, 1);
    float[] w = random(d, 2);
    float eps = 1e-5f;
    float[] expected = new float[rows * d];
    for (int r = 0; r < rows; r++) {
      double ss = 0;
      for (int i = 0; i < d; i++) {
        ss += x[r * d + i] * x[r * d + i];
      }
      double inv = 1 / Math.sqrt(ss / d + eps);
      for (int i = 0; i < d; i++) {
        expected[r * d + i] = (float) (x[r * d + i] * inv * w[i]);
      }
    }
    try (NDManager m = manager.newSubManager()) {
      float[] actual =
          Ops.rmsNorm(m.create(x, new Shape(rows, d)), m.create(w), eps).toFloatArray();
      assertClose(expected, actual, 1e-5);
    }
  }

  @Test
  void layerNormAndActivationsMatchReference() {
    int d = 8;
    float[] x = random(2 * d, 3);
    float[] w = random(d, 4);
    float[] b = random(d, 5);
    float[] expected = new float[2 * d];
    for (int r = 0; r < 2; r++) {
      double mean = 0;
      for (int i = 0; i < d; i++) {
        mean += x[r * d + i];
      }
      mean /= d;
      double var = 0;
      for (int i = 0; i < d; i++) {
        var += (x[r * d + i] - mean) * (x[r * d + i] - mean);
      }
      var /= d;
      for (int i = 0; i < d; i++) {
        expected[r * d + i] = (float) ((x[r * d + i] - mean) / Math.sqrt(var + 1e-5) * w[i] + b[i]);
      }
    }
    try (NDManager m = manager.newSubManager()) {
      NDArray xa = m.create(x, new Shape(2, d));
      assertClose(
          expected, Ops.layerNorm(xa, m.create(w), m.create(b), 1e-5f).toFloatArray(), 1e-5);
      float[] gelu = Ops.gelu(xa).toFloatArray();
      float[] quick = Ops.quickGelu(xa).toFloatArray();
      float[] silu = Ops.silu(xa).toFloatArray();
      for (int i = 0; i < x.length; i++) {
        double v = x[i];
        assertEquals(0.5 * v * (1 + erf(v / Math.sqrt(2))), gelu[i], 1e-5, "gelu");
        assertEquals(v / (1 + Math.exp(-1.702 * v)), quick[i], 1e-5, "quick gelu");
        assertEquals(v / (1 + Math.exp(-v)), silu[i], 1e-5, "silu");
      }
    }
  }

  /** erf by its Maclaurin series (converges fast for the |x| < 3 used here). */
  static double erf(double x) {
    double sum = 0;
    double term = x;
    for (int n = 0; n < 80; n++) {
      sum += term / (2 * n + 1);
      term *= -x * x / (n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  @Test
  void ropeRotatesHalvesWithPositionAngles() {
    int n = 3;
    int heads = 2;
    int d = 8;
    int[] positions = {0, 5, 17};
    RopeConfig cfg = new RopeConfig(10000, "default", 1, 1, 1, 0);
    Rope rope = new Rope(cfg, d);
    float[] x = random(n * heads * d, 6);
    float[] expected = new float[x.length];
    for (int p = 0; p < n; p++) {
      for (int h = 0; h < heads; h++) {
        int base = (p * heads + h) * d;
        for (int i = 0; i < d / 2; i++) {
          double theta = positions[p] * Math.pow(10000, -2.0 * i / d);
          double a = x[base + i];
          double b = x[base + i + d / 2];
          expected[base + i] = (float) (a * Math.cos(theta) - b * Math.sin(theta));
          expected[base + i + d / 2] = (float) (b * Math.cos(theta) + a * Math.sin(theta));
        }
      }
    }
    try (NDManager m = manager.newSubManager()) {
      NDArray[] cs = rope.tables(m, positions, DataType.FLOAT32);
      float[] actual = Rope.apply(m.create(x, new Shape(n, heads, d)), cs[0], cs[1]).toFloatArray();
      assertClose(expected, actual, 2e-5);
    }
  }

  @Test
  void linearRopeScalingDividesFrequencies() {
    double[] plain = new RopeConfig(10000, "default", 1, 1, 1, 0).inverseFrequencies(8);
    double[] scaled = new RopeConfig(10000, "linear", 4, 1, 1, 0).inverseFrequencies(8);
    for (int i = 0; i < plain.length; i++) {
      assertEquals(plain[i] / 4, scaled[i], 1e-12);
    }
  }

  /** Causal GQA with a cache offset against a direct loop over heads, queries and keys. */
  @Test
  void cachedGroupedQueryAttentionMatchesReference() {
    int heads = 4;
    int kvHeads = 2;
    int d = 4;
    int start = 3;
    int n = 2;
    int total = start + n;
    float[] q = random(n * heads * d, 7);
    float[] k = random(total * kvHeads * d, 8);
    float[] v = random(total * kvHeads * d, 9);
    float[] expected = new float[n * heads * d];
    for (int i = 0; i < n; i++) {
      for (int h = 0; h < heads; h++) {
        int kv = h / (heads / kvHeads);
        int visible = start + i + 1;
        double[] s = new double[visible];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < visible; j++) {
          double dot = 0;
          for (int e = 0; e < d; e++) {
            dot += q[(i * heads + h) * d + e] * k[(j * kvHeads + kv) * d + e];
          }
          s[j] = dot / Math.sqrt(d);
          max = Math.max(max, s[j]);
        }
        double z = 0;
        for (int j = 0; j < visible; j++) {
          s[j] = Math.exp(s[j] - max);
          z += s[j];
        }
        for (int e = 0; e < d; e++) {
          double acc = 0;
          for (int j = 0; j < visible; j++) {
            acc += s[j] / z * v[(j * kvHeads + kv) * d + e];
          }
          expected[(i * heads + h) * d + e] = (float) acc;
        }
      }
    }
    try (NDManager m = manager.newSubManager();
        KvCache cache = new KvCache(m, 1, kvHeads, d, 8, DataType.FLOAT32)) {
      NDArray kAll = m.create(k, new Shape(total, kvHeads, d));
      NDArray vAll = m.create(v, new Shape(total, kvHeads, d));
      cache.write(0, 0, kAll.get("0:" + start), vAll.get("0:" + start));
      cache.advance(start);
      cache.write(0, start, kAll.get(start + ":"), vAll.get(start + ":"));
      float[] actual =
          Attention.causal(m, m.create(q, new Shape(n, heads, d)), cache, 0, start).toFloatArray();
      assertClose(expected, actual, 1e-5);
    }
  }

  @Test
  void causalMaskHidesOnlyFuturePositions() {
    try (NDManager m = manager.newSubManager()) {
      float[] mask = Attention.causalMask(m, 2, 3, 5).toFloatArray();
      float inf = Float.NEGATIVE_INFINITY;
      assertClose(new float[] {0, 0, 0, 0, inf, 0, 0, 0, 0, 0}, mask, 0);
    }
  }

  @Test
  void im2colOrdersPatchesRowMajorWithAnEmptyClassRow() {
    int size = 4;
    int p = 2;
    float[] pixels = new float[3 * size * size];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = i;
    }
    float[] cols = ClipVisionTower.im2col(pixels, size, p);
    int width = 3 * p * p;
    assertEquals(5 * width, cols.length);
    for (int i = 0; i < width; i++) {
      assertEquals(0f, cols[i]);
    }
    // Patch (py=0, px=1), channel 1, row ky=1: pixels[1*16 + 1*4 + 2 .. +2].
    int row = 2;
    assertEquals(16 + 4 + 2, cols[row * width + 1 * p * p + 1 * p], 0);
    assertEquals(16 + 4 + 3, cols[row * width + 1 * p * p + 1 * p + 1], 0);
    List.of(1, 2, 3, 4).forEach(r -> assertEquals(true, cols[r * width] >= 0));
  }
}
