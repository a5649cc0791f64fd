package dev.assistant.llm.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class QuantizedMatrixTest {

  /** Shapes that hit every edge: one row, columns below/above a group, not a multiple of 8. */
  private static final int[][] SHAPES = {
    {1, 32}, {1, 7}, {3, 45}, {5, 64}, {17, 97}, {2, 200}, {9, 257}, {300, 517}
  };

  @AfterAll
  static void restoreParallelism() {
    QuantKernels.setParallelism(Runtime.getRuntime().availableProcessors());
  }

  static Stream<Arguments> kernels() {
    List<Arguments> cases = new ArrayList<>();
    for (QuantFormat format : QuantFormat.values()) {
      for (boolean vector : new boolean[] {true, false}) {
        for (int threads : new int[] {1, 2}) {
          cases.add(Arguments.of(format, vector, threads));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} vector={1} threads={2}")
  @MethodSource("kernels")
  void matVecAndMatMulMatchDoublePrecisionReference(
      QuantFormat format, boolean vector, int threads) {
    QuantKernels.setParallelism(threads);
    Random random = new Random(format.ordinal() * 31 + threads);
    for (int[] shape : SHAPES) {
      int rows = shape[0];
      int cols = shape[1];
      for (int blockSize : new int[] {32, 64, 128}) {
        float[] weights = gaussian(random, rows * cols, 0.1f);
        BlockQuantizedMatrix m =
            BlockQuantizedMatrix.quantize(weights, rows, cols, format, blockSize, vector);
        float[] dequantized = new float[rows * cols];
        m.dequantizeRows(0, rows, dequantized);
        String label = format + " " + rows + "x" + cols + " block " + blockSize;

        float[] x = gaussian(random, cols, 1f);
        float[] y = new float[rows];
        m.matVec(x, y);
        assertClose(reference(dequantized, rows, cols, x, 1), y, label + " matVec");

        for (int batch = 1; batch <= 9; batch++) {
          float[] xs = gaussian(random, batch * cols, 1f);
          float[] ys = new float[batch * rows];
          m.matMul(xs, batch, ys);
          assertClose(reference(dequantized, rows, cols, xs, batch), ys, label + " batch " + batch);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(QuantFormat.class)
  void dequantizationErrorStaysWithinFormatBound(QuantFormat format) {
    Random random = new Random(7);
    int rows = 40;
    int cols = 333;
    int blockSize = 64;
    float[] weights = gaussian(random, rows * cols, 1f);
    // blocks of very different magnitude: each must be bounded by its own absmax
    for (int i = 0; i < weights.length; i += 97) {
      weights[i] *= 50;
    }
    QuantizedMatrix m = QuantizedMatrix.quantize(weights, rows, cols, format, blockSize);
    float[] dequantized = new float[rows * cols];
    m.dequantizeRows(0, rows, dequantized);
    double worstFraction = 0;
    for (int r = 0; r < rows; r++) {
      for (int start = 0; start < cols; start += blockSize) {
        int end = Math.min(cols, start + blockSize);
        double absmax = 0;
        for (int j = start; j < end; j++) {
          absmax = Math.max(absmax, Math.abs(weights[r * cols + j]));
        }
        for (int j = start; j < end; j++) {
          double error = Math.abs(weights[r * cols + j] - (double) dequantized[r * cols + j]);
          worstFraction = Math.max(worstFraction, error / absmax);
        }
      }
    }
    // fp32 rounding of step and product adds a few ulps on top of the format's bound
    assertTrue(
        worstFraction <= format.maxRelativeError() * (1 + 1e-5),
        format
            + " worst error "
            + worstFraction
            + " of absmax, bound "
            + format.maxRelativeError());
    // and the bound is not vacuous: random weights come within 90% of it
    assertTrue(worstFraction > 0.9 * format.maxRelativeError(), format + " " + worstFraction);
  }

  @Test
  void formatBoundsMatchTheirDefinitions() {
    assertEquals(1.0 / 14, QuantFormat.Q4.maxRelativeError(), 1e-12);
    assertEquals(1.0 / 254, QuantFormat.INT8.maxRelativeError(), 1e-12);
    // widest NF4 gap is between -1 and the next level, -0.6961928
    assertEquals((1 - 0.6961928009986877) / 2, QuantFormat.NF4.maxRelativeError(), 1e-7);
  }

  @ParameterizedTest
  @EnumSource(QuantFormat.class)
  void vectorAndScalarKernelsDecodeIdentically(QuantFormat format) {
    Random random = new Random(11);
    int rows = 7;
    int cols = 301;
    float[] weights = gaussian(random, rows * cols, 0.3f);
    float[] vectorRows = new float[rows * cols];
    float[] scalarRows = new float[rows * cols];
    BlockQuantizedMatrix.quantize(weights, rows, cols, format, 64, true)
        .dequantizeRows(0, rows, vectorRows);
    BlockQuantizedMatrix.quantize(weights, rows, cols, format, 64, false)
        .dequantizeRows(0, rows, scalarRows);
    assertArrayEquals(scalarRows, vectorRows);
  }

  @ParameterizedTest
  @EnumSource(QuantFormat.class)
  void allZeroBlocksDequantizeToExactZeros(QuantFormat format) {
    int rows = 3;
    int cols = 160;
    float[] weights = gaussian(new Random(3), rows * cols, 1f);
    for (int j = 64; j < 128; j++) {
      weights[cols + j] = 0; // row 1, block 1
    }
    for (int j = 0; j < cols; j++) {
      weights[2 * cols + j] = 0; // all of row 2
    }
    QuantizedMatrix m = QuantizedMatrix.quantize(weights, rows, cols, format, 64);
    float[] dequantized = new float[rows * cols];
    m.dequantizeRows(0, rows, dequantized);
    for (int j = 64; j < 128; j++) {
      assertEquals(0f, dequantized[cols + j]);
    }
    float[] y = new float[rows];
    float[] x = gaussian(new Random(4), cols, 1f);
    m.matVec(x, y);
    assertEquals(0f, y[2]);
    assertClose(reference(dequantized, rows, cols, x, 1), y, format + " with zero blocks");
  }

  @ParameterizedTest
  @EnumSource(QuantFormat.class)
  void dequantizesARangeOfRows(QuantFormat format) {
    int rows = 10;
    int cols = 70;
    float[] weights = gaussian(new Random(5), rows * cols, 1f);
    QuantizedMatrix m = QuantizedMatrix.quantize(weights, rows, cols, format, 32);
    float[] all = new float[rows * cols];
    m.dequantizeRows(0, rows, all);
    float[] some = new float[3 * cols + 5];
    m.dequantizeRows(4, 7, some);
    for (int i = 0; i < 3 * cols; i++) {
      assertEquals(all[4 * cols + i], some[i]);
    }
    assertThrows(IndexOutOfBoundsException.class, () -> m.dequantizeRows(8, 11, some));
    assertThrows(IllegalArgumentException.class, () -> m.dequantizeRows(0, 4, some));
  }

  @Test
  void floatMatrixMatchesReference() {
    Random random = new Random(9);
    for (int threads : new int[] {1, 2}) {
      QuantKernels.setParallelism(threads);
      for (int[] shape : SHAPES) {
        int rows = shape[0];
        int cols = shape[1];
        float[] weights = gaussian(random, rows * cols, 0.1f);
        FloatMatrix m = FloatMatrix.of(weights, rows, cols);
        for (int batch : new int[] {1, 3, 4, 9}) {
          float[] xs = gaussian(random, batch * cols, 1f);
          float[] ys = new float[batch * rows];
          m.matMul(xs, batch, ys);
          assertClose(reference(weights, rows, cols, xs, batch), ys, "fp32 " + rows + "x" + cols);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(QuantFormat.class)
  void rejectsNonFiniteWeightsNamingTheirPosition(QuantFormat format) {
    float[] weights = new float[4 * 50];
    weights[2 * 50 + 7] = Float.NaN;
    IllegalArgumentException nan =
        assertThrows(
            IllegalArgumentException.class,
            () -> QuantizedMatrix.quantize(weights, 4, 50, format, 32));
    assertTrue(nan.getMessage().contains("row 2, column 7"), nan.getMessage());
    weights[2 * 50 + 7] = 0;
    weights[3 * 50] = Float.NEGATIVE_INFINITY;
    IllegalArgumentException inf =
        assertThrows(
            IllegalArgumentException.class,
            () -> QuantizedMatrix.quantize(weights, 4, 50, format, 32));
    assertTrue(inf.getMessage().contains("-Infinity"), inf.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FloatMatrix.of(weights, 4, 50));
  }

  @Test
  void rejectsBadShapesBlockSizesAndBuffers() {
    float[] w = new float[64];
    assertThrows(
        IllegalArgumentException.class,
        () -> QuantizedMatrix.quantize(w, 2, 33, QuantFormat.Q4, 32));
    assertThrows(
        IllegalArgumentException.class,
        () -> QuantizedMatrix.quantize(w, 0, 64, QuantFormat.Q4, 32));
    assertThrows(
        IllegalArgumentException.class,
        () -> QuantizedMatrix.quantize(w, 2, 32, QuantFormat.Q4, 48));
    assertThrows(
        IllegalArgumentException.class,
        () -> QuantizedMatrix.quantize(w, 2, 32, QuantFormat.Q4, 0));
    QuantizedMatrix m = QuantizedMatrix.quantize(w, 2, 32, QuantFormat.NF4, 32);
    assertThrows(IllegalArgumentException.class, () -> m.matVec(new float[31], new float[2]));
    assertThrows(IllegalArgumentException.class, () -> m.matVec(new float[32], new float[1]));
    assertThrows(IllegalArgumentException.class, () -> m.matMul(new float[64], 0, new float[4]));
    assertThrows(IllegalArgumentException.class, () -> m.matMul(new float[63], 2, new float[4]));
    assertThrows(NullPointerException.class, () -> m.matVec(null, new float[2]));
  }

  @Test
  void residentBytesCountCodesAndFp32Scales() {
    int rows = 2048;
    int cols = 2048;
    float[] w = new float[rows * cols];
    long weights = (long) rows * cols;
    QuantizedMatrix nf4 = QuantizedMatrix.quantize(w, rows, cols, QuantFormat.NF4, 64);
    assertEquals(weights * 4.5 / 8, nf4.residentBytes()); // 4 bits + 32/64 bits of scale
    QuantizedMatrix int8 = QuantizedMatrix.quantize(w, rows, cols, QuantFormat.INT8, 64);
    assertEquals(weights * 8.5 / 8, int8.residentBytes());
    assertEquals(weights * 4, FloatMatrix.of(w, rows, cols).residentBytes());
    assertEquals(64, nf4.blockSize());
    assertEquals(QuantFormat.NF4, nf4.format());
  }

  private static float[] gaussian(Random random, int n, float std) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian() * std;
    }
    return v;
  }

  /** Plain double-precision {@code y[b] = W · x[b]}. */
  private static double[] reference(float[] w, int rows, int cols, float[] x, int batch) {
    double[] y = new double[batch * rows];
    for (int b = 0; b < batch; b++) {
      for (int r = 0; r < rows; r++) {
        double sum = 0;
        for (int j = 0; j < cols; j++) {
          sum += (double) w[r * cols + j] * x[b * cols + j];
        }
        y[b * rows + r] = sum;
      }
    }
    return y;
  }

  /** Every element within 1e-4 of the largest reference magnitude (max-norm relative error). */
  private static void assertClose(double[] expected, float[] actual, String label) {
    double scale = 0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      double error = Math.abs(expected[i] - actual[i]);
      if (error > 1e-4 * scale) {
        throw new AssertionError(
            label + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
      }
    }
  }
}
