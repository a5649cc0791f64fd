package dev.assistant.llm.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vectorized fp32 dot products shared by {@link FloatMatrix} and the batched quantized path. */
final class FloatKernels {

  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();

  private FloatKernels() {}

  /** Σ w[wOff + i] · x[xOff + i] for i in [0, n). Four accumulators hide the FMA latency. */
  static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int i = 0;
    for (int end = n - 4 * L; i <= end; i += 4 * L) {
      a0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
      a1 =
          FloatVector.fromArray(F, w, wOff + i + L)
              .fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
      a2 =
          FloatVector.fromArray(F, w, wOff + i + 2 * L)
              .fma(FloatVector.fromArray(F, x, xOff + i + 2 * L), a2);
      a3 =
          FloatVector.fromArray(F, w, wOff + i + 3 * L)
              .fma(FloatVector.fromArray(F, x, xOff + i + 3 * L), a3);
    }
    for (int end = n - L; i <= end; i += L) {
      a0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
    }
    float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      sum += w[wOff + i] * x[xOff + i];
    }
    return sum;
  }

  /**
   * One weight row against every vector of a batch: {@code y[b·rows + row] = w·x[b]}. Vectors are
   * taken four at a time so each loaded weight vector feeds four FMAs.
   */
  static void dotBatch(
      float[] w, int wOff, int cols, float[] x, int batch, float[] y, int row, int rows) {
    int b = 0;
    for (; b + 4 <= batch; b += 4) {
      dot4(w, wOff, cols, x, b * cols, y, b * rows + row, rows);
    }
    for (; b < batch; b++) {
      y[b * rows + row] = dot(w, wOff, x, b * cols, cols);
    }
  }

  /**
   * Two weight rows (at {@code w0Off} and {@code w1Off}, output rows {@code row} and {@code row +
   * 1}) against every vector of a batch. Eight accumulators (2 rows × 4 vectors) make each loaded
   * activation vector feed two FMAs and each weight vector four.
   */
  static void dotBatch2(
      float[] w,
      int w0Off,
      int w1Off,
      int cols,
      float[] x,
      int batch,
      float[] y,
      int row,
      int rows) {
    int b = 0;
    for (; b + 4 <= batch; b += 4) {
      dot2x4(w, w0Off, w1Off, cols, x, b * cols, y, b * rows + row, rows);
    }
    for (; b < batch; b++) {
      y[b * rows + row] = dot(w, w0Off, x, b * cols, cols);
      y[b * rows + row + 1] = dot(w, w1Off, x, b * cols, cols);
    }
  }

  private static void dot2x4(
      float[] w,
      int w0Off,
      int w1Off,
      int n,
      float[] x,
      int xOff,
      float[] y,
      int yOff,
      int yStride) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    FloatVector b0 = FloatVector.zero(F);
    FloatVector b1 = FloatVector.zero(F);
    FloatVector b2 = FloatVector.zero(F);
    FloatVector b3 = FloatVector.zero(F);
    int x0 = xOff;
    int x1 = xOff + n;
    int x2 = xOff + 2 * n;
    int x3 = xOff + 3 * n;
    int i = 0;
    for (int end = n - L; i <= end; i += L) {
      FloatVector w0 = FloatVector.fromArray(F, w, w0Off + i);
      FloatVector w1 = FloatVector.fromArray(F, w, w1Off + i);
      FloatVector v = FloatVector.fromArray(F, x, x0 + i);
      a0 = w0.fma(v, a0);
      b0 = w1.fma(v, b0);
      v = FloatVector.fromArray(F, x, x1 + i);
      a1 = w0.fma(v, a1);
      b1 = w1.fma(v, b1);
      v = FloatVector.fromArray(F, x, x2 + i);
      a2 = w0.fma(v, a2);
      b2 = w1.fma(v, b2);
      v = FloatVector.fromArray(F, x, x3 + i);
      a3 = w0.fma(v, a3);
      b3 = w1.fma(v, b3);
    }
    float[] s = {
      a0.reduceLanes(VectorOperators.ADD),
      a1.reduceLanes(VectorOperators.ADD),
      a2.reduceLanes(VectorOperators.ADD),
      a3.reduceLanes(VectorOperators.ADD),
      b0.reduceLanes(VectorOperators.ADD),
      b1.reduceLanes(VectorOperators.ADD),
      b2.reduceLanes(VectorOperators.ADD),
      b3.reduceLanes(VectorOperators.ADD)
    };
    for (; i < n; i++) {
      float u0 = w[w0Off + i];
      float u1 = w[w1Off + i];
      for (int k = 0; k < 4; k++) {
        float xv = x[xOff + k * n + i];
        s[k] += u0 * xv;
        s[4 + k] += u1 * xv;
      }
    }
    for (int k = 0; k < 4; k++) {
      y[yOff + k * yStride] = s[k];
      y[yOff + k * yStride + 1] = s[4 + k];
    }
  }

  private static void dot4(
      float[] w, int wOff, int n, float[] x, int xOff, float[] y, int yOff, int yStride) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int x0 = xOff;
    int x1 = xOff + n;
    int x2 = xOff + 2 * n;
    int x3 = xOff + 3 * n;
    int i = 0;
    for (int end = n - L; i <= end; i += L) {
      FloatVector wv = FloatVector.fromArray(F, w, wOff + i);
      a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
      a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
      a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
      a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
    }
    float s0 = a0.reduceLanes(VectorOperators.ADD);
    float s1 = a1.reduceLanes(VectorOperators.ADD);
    float s2 = a2.reduceLanes(VectorOperators.ADD);
    float s3 = a3.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      float wi = w[wOff + i];
      s0 += wi * x[x0 + i];
      s1 += wi * x[x1 + i];
      s2 += wi * x[x2 + i];
      s3 += wi * x[x3 + i];
    }
    y[yOff] = s0;
    y[yOff + yStride] = s1;
    y[yOff + 2 * yStride] = s2;
    y[yOff + 3 * yStride] = s3;
  }
}
