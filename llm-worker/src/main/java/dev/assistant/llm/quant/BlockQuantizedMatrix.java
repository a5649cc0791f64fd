package dev.assistant.llm.quant;

/**
 * Block-quantized weights: per row, {@code ceil(cols / blockSize)} blocks, each with one fp32 scale
 * and packed codes stored contiguously, so a kernel walks one row's codes and scales sequentially.
 * Scales are fp32: 4 bytes per block, i.e. 0.5 bit per weight at block 64 (NF4 and Q4: 4.5 bits per
 * weight; INT8: 8.5).
 *
 * <p>What every format shares lives here: the code and scale arrays, quantization block by block (a
 * format only encodes one block) and the memory count. The product kernels stay in the final format
 * classes, each compiled for one format: a shared loop calling a per-format unpacking step would
 * leave the JIT a call with several receivers in the innermost loop, where a call that is not
 * inlined boxes every vector.
 */
abstract class BlockQuantizedMatrix extends RowKernelMatrix {

  protected final int blockSize;
  protected final int blocksPerRow;

  /** {@code scales[row · blocksPerRow + block]}; 0 for an all-zero block. */
  protected final float[] scales;

  /** Packed codes: row {@code r} occupies {@code [r · rowBytes, (r + 1) · rowBytes)}. */
  protected final byte[] codes;

  protected final int rowBytes;

  /** Whether this instance uses the Vector API kernels (false: scalar, for tests and old CPUs). */
  protected final boolean vector;

  /**
   * @param rowBytes bytes of packed codes per row, in the format's layout
   */
  BlockQuantizedMatrix(int rows, int cols, int blockSize, boolean vector, int rowBytes) {
    super(rows, cols);
    this.vector = vector && Lanes.VECTOR;
    this.blockSize = blockSize;
    this.blocksPerRow = blocksPerRow(cols, blockSize);
    this.scales = new float[Math.multiplyExact(rows, blocksPerRow)];
    this.rowBytes = rowBytes;
    this.codes = new byte[Math.multiplyExact(rows, rowBytes)];
  }

  static int blocksPerRow(int cols, int blockSize) {
    return (cols + blockSize - 1) / blockSize;
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

  /** Scale of the block that holds column {@code col} of row {@code row}. */
  final float scale(int row, int col) {
    return scales[row * blocksPerRow + col / blockSize];
  }

  @Override
  public final int blockSize() {
    return blockSize;
  }

  @Override
  public final long residentBytes() {
    return codes.length + 4L * scales.length;
  }

  @Override
  public String toString() {
    return format() + "[" + rows + "x" + cols + ", block " + blockSize + "]";
  }
}
