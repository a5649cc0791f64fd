package dev.assistant.llm.quant;

/**
 * What every weight matrix shares: argument checks and splitting rows across the kernel pool.
 * Subclasses supply a matrix-vector kernel over a row range and a row decoder; the batched product
 * decodes each row once into a small per-thread buffer (it stays in L1) and multiplies it with
 * every vector of the batch, so weights stream from memory once per call.
 */
abstract class RowKernelMatrix implements QuantizedMatrix {

  private static final ThreadLocal<float[]> ROW_BUFFER =
      ThreadLocal.withInitial(() -> new float[0]);

  protected final int rows;
  protected final int cols;

  RowKernelMatrix(int rows, int cols) {
    this.rows = rows;
    this.cols = cols;
  }

  @Override
  public final int rows() {
    return rows;
  }

  @Override
  public final int cols() {
    return cols;
  }

  /** {@code y[r] = row r · x} for r in {@code [rowStart, rowEnd)}. */
  abstract void matVecRows(float[] x, float[] y, int rowStart, int rowEnd);

  /** Writes row {@code row} as {@code cols} floats at {@code dst[dstOff]}. */
  abstract void decodeRow(int row, float[] dst, int dstOff);

  /** Batched product over a row range; the default decodes each row once (see class doc). */
  void matMulRows(float[] x, int batch, float[] y, int rowStart, int rowEnd) {
    float[] buffer = rowBuffer(2 * cols);
    int r = rowStart;
    for (; r + 2 <= rowEnd; r += 2) {
      decodeRow(r, buffer, 0);
      decodeRow(r + 1, buffer, cols);
      FloatKernels.dotBatch2(buffer, 0, cols, cols, x, batch, y, r, rows);
    }
    if (r < rowEnd) {
      decodeRow(r, buffer, 0);
      FloatKernels.dotBatch(buffer, 0, cols, x, batch, y, r, rows);
    }
  }

  @Override
  public final void matVec(float[] x, float[] y) {
    requireLength("x", x, cols);
    requireLength("y", y, rows);
    QuantKernels.forRows(rows, cols, (start, end) -> matVecRows(x, y, start, end));
  }

  @Override
  public final void matMul(float[] x, int batch, float[] y) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    requireLength("x", x, (long) batch * cols);
    requireLength("y", y, (long) batch * rows);
    if (batch == 1) {
      matVec(x, y);
      return;
    }
    QuantKernels.forRows(
        rows, (long) cols * batch, (start, end) -> matMulRows(x, batch, y, start, end));
  }

  @Override
  public final void dequantizeRows(int rowStart, int rowEnd, float[] dst) {
    if (rowStart < 0 || rowEnd > rows || rowStart > rowEnd) {
      throw new IndexOutOfBoundsException(
          "rows [" + rowStart + ", " + rowEnd + ") outside [0, " + rows + ")");
    }
    requireLength("dst", dst, (long) (rowEnd - rowStart) * cols);
    QuantKernels.forRows(
        rowEnd - rowStart,
        cols,
        (start, end) -> {
          for (int r = start; r < end; r++) {
            decodeRow(rowStart + r, dst, r * cols);
          }
        });
  }

  /** A per-thread scratch buffer of at least {@code length} floats. */
  static float[] rowBuffer(int length) {
    float[] buffer = ROW_BUFFER.get();
    if (buffer.length < length) {
      buffer = new float[length];
      ROW_BUFFER.set(buffer);
    }
    return buffer;
  }

  private static void requireLength(String name, float[] array, long needed) {
    if (array == null) {
      throw new NullPointerException(name);
    }
    if (array.length < needed) {
      throw new IllegalArgumentException(
          name + " has " + array.length + " elements, needs at least " + needed);
    }
  }

  static void checkShape(float[] weights, int rows, int cols) {
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException("shape must be positive, got " + rows + "x" + cols);
    }
    if (weights == null) {
      throw new NullPointerException("weights");
    }
    if ((long) rows * cols != weights.length) {
      throw new IllegalArgumentException(
          "weights have "
              + weights.length
              + " elements, shape "
              + rows
              + "x"
              + cols
              + " needs "
              + (long) rows * cols);
    }
  }

  /** Fails with the position of the first NaN or infinite weight. */
  static void checkFinite(float[] weights, int cols) {
    for (int i = 0; i < weights.length; i++) {
      if (!Float.isFinite(weights[i])) {
        throw new IllegalArgumentException(
            "weight at row "
                + i / cols
                + ", column "
                + i % cols
                + " is "
                + weights[i]
                + "; only finite weights can be quantized");
      }
    }
  }
}
