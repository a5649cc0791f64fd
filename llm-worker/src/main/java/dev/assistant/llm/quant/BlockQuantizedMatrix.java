package dev.assistant.llm.quant;

/**
 * Block-quantized weights: per row, {@code ceil(cols / blockSize)} blocks, each with one fp32 scale
 * and packed codes stored contiguously, so a kernel walks one row's codes and scales sequentially.
 * Scales are fp32: 4 bytes per block, i.e. 0.5 bit per weight at block 64 (NF4 and Q4: 4.5 bits per
 * weight; INT8: 8.5).
 */
abstract class BlockQuantizedMatrix extends RowKernelMatrix {

  protected final int blockSize;
  protected final int blocksPerRow;

  /** {@code scales[row · blocksPerRow + block]}; 0 for an all-zero block. */
  protected final float[] scales;

  /** Whether this instance uses the Vector API kernels (false: scalar, for tests and old CPUs). */
  protected final boolean vector;

  BlockQuantizedMatrix(int rows, int cols, int blockSize, boolean vector) {
    super(rows, cols);
    this.vector = vector && Lanes.VECTOR;
    this.blockSize = blockSize;
    this.blocksPerRow = (cols + blockSize - 1) / blockSize;
    this.scales = new float[Math.multiplyExact(rows, blocksPerRow)];
  }

  static QuantizedMatrix quantize(
      float[] weights, int rows, int cols, QuantFormat format, int blockSize) {
    return quantize(weights, rows, cols, format, blockSize, true);
  }

  /** As {@link QuantizedMatrix#quantize}; {@code vectorKernels = false} forces scalar kernels. */
  static BlockQuantizedMatrix quantize(
      float[] weights,
      int rows,
      int cols,
      QuantFormat format,
      int blockSize,
      boolean vectorKernels) {
    checkShape(weights, rows, cols);
    if (format == null) {
      throw new NullPointerException("format");
    }
    if (blockSize < 32 || blockSize % 32 != 0) {
      throw new IllegalArgumentException(
          "block size must be a positive multiple of 32, got " + blockSize);
    }
    checkFinite(weights, cols);
    BlockQuantizedMatrix m =
        switch (format) {
          case INT8 -> new Int8Matrix(rows, cols, blockSize, vectorKernels);
          case Q4 -> new Q4Matrix(rows, cols, blockSize, vectorKernels);
          case NF4 -> new Nf4Matrix(rows, cols, blockSize, vectorKernels);
        };
    // rows are independent (each writes its own codes and scales): quantize them in parallel
    QuantKernels.forRows(
        rows,
        cols,
        (rowStart, rowEnd) -> {
          for (int r = rowStart; r < rowEnd; r++) {
            m.encodeRow(weights, r);
          }
        });
    return m;
  }

  private void encodeRow(float[] weights, int row) {
    int base = row * cols;
    for (int b = 0; b < blocksPerRow; b++) {
      int start = b * blockSize;
      int end = Math.min(cols, start + blockSize);
      float absmax = 0;
      for (int j = start; j < end; j++) {
        absmax = Math.max(absmax, Math.abs(weights[base + j]));
      }
      scales[row * blocksPerRow + b] = encodeBlock(weights, base, row, start, end, absmax);
    }
  }

  /**
   * Writes the codes of row {@code row}, columns {@code [start, end)} (weights at {@code
   * weights[base + j]}), whose largest magnitude is {@code absmax}; returns the block's scale.
   */
  abstract float encodeBlock(float[] weights, int base, int row, int start, int end, float absmax);

  @Override
  public final int blockSize() {
    return blockSize;
  }

  @Override
  public String toString() {
    return format() + "[" + rows + "x" + cols + ", block " + blockSize + "]";
  }
}
