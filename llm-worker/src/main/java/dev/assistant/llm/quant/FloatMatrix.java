package dev.assistant.llm.quant;

/**
 * Unquantized fp32 weights behind the same interface and kernel style as the quantized formats: the
 * baseline the quantized kernels are measured against, and the fp32 CPU path. Immutable; see {@link
 * QuantizedMatrix} for thread-safety.
 */
public final class FloatMatrix extends RowKernelMatrix {

  private final float[] weights;

  private FloatMatrix(float[] weights, int rows, int cols) {
    super(rows, cols);
    this.weights = weights;
  }

  /**
   * Wraps a copy of row-major {@code weights[rows·cols]}.
   *
   * @throws IllegalArgumentException on a shape mismatch or a NaN/infinite weight
   */
  public static FloatMatrix of(float[] weights, int rows, int cols) {
    checkShape(weights, rows, cols);
    checkFinite(weights, cols);
    return new FloatMatrix(weights.clone(), rows, cols);
  }

  @Override
  public QuantFormat format() {
    return null;
  }

  @Override
  public int blockSize() {
    return 0;
  }

  @Override
  public long residentBytes() {
    return 4L * weights.length;
  }

  @Override
  void matVecRows(float[] x, float[] y, int rowStart, int rowEnd) {
    for (int r = rowStart; r < rowEnd; r++) {
      y[r] = FloatKernels.dot(weights, r * cols, x, 0, cols);
    }
  }

  @Override
  void matMulRows(float[] x, int batch, float[] y, int rowStart, int rowEnd) {
    int r = rowStart;
    for (; r + 2 <= rowEnd; r += 2) {
      FloatKernels.dotBatch2(weights, r * cols, (r + 1) * cols, cols, x, batch, y, r, rows);
    }
    if (r < rowEnd) {
      FloatKernels.dotBatch(weights, r * cols, cols, x, batch, y, r, rows);
    }
  }

  @Override
  void decodeRow(int row, float[] dst, int dstOff) {
    System.arraycopy(weights, row * cols, dst, dstOff, cols);
  }

  @Override
  public String toString() {
    return "FloatMatrix[" + rows + "x" + cols + "]";
  }
}
