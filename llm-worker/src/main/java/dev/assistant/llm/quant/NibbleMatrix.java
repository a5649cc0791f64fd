package dev.assistant.llm.quant;

/**
 * The 4-bit formats ({@link Q4Matrix}, {@link Nf4Matrix}): codes in the {@link NibbleLayout}, which
 * the vector kernels read a group of 32 columns at a time. What the two share is everything but the
 * meaning of a code: where a code lives, how many columns the vector kernels cover, and the scalar
 * paths for the columns after the last whole group (and for matrices built without vector kernels).
 * A subclass says what a code is worth before scaling ({@link #level}).
 */
abstract class NibbleMatrix extends BlockQuantizedMatrix {

  NibbleMatrix(int rows, int cols, int blockSize, boolean vector) {
    super(
        rows,
        cols,
        blockSize,
        vector,
        NibbleLayout.rowBytes(blocksPerRow(cols, blockSize), blockSize));
  }

  /** Value of 4-bit code {@code code} (0..15) before the block's scale is applied. */
  abstract float level(int code);

  /** Columns {@code [0, vectorCols())} are covered by the vector kernels: whole groups of 32. */
  final int vectorCols() {
    return vector ? cols / NibbleLayout.GROUP * NibbleLayout.GROUP : 0;
  }

  /** The 4-bit code (0..15) of column {@code col} of the row that starts at {@code rowBase}. */
  final int nibble(int rowBase, int col) {
    return (codes[NibbleLayout.byteIndex(rowBase, col)] >> NibbleLayout.shift(col)) & 0xF;
  }

  /** Stores the low 4 bits of {@code code} as column {@code col}'s code (initially 0). */
  final void putNibble(int rowBase, int col, int code) {
    codes[NibbleLayout.byteIndex(rowBase, col)] |= (byte) ((code & 0xF) << NibbleLayout.shift(col));
  }

  /** {@code Σ w[row][j] · x[j]} over columns {@code [from, to)}, one weight at a time. */
  final float dotScalar(int row, float[] x, int from, int to) {
    int rowBase = row * rowBytes;
    float sum = 0;
    for (int j = from; j < to; j++) {
      sum += level(nibble(rowBase, j)) * scale(row, j) * x[j];
    }
    return sum;
  }

  /** Writes columns {@code [from, cols)} of row {@code row} to {@code dst[dstOff + j]}. */
  final void decodeScalar(int row, float[] dst, int dstOff, int from) {
    int rowBase = row * rowBytes;
    for (int j = from; j < cols; j++) {
      dst[dstOff + j] = level(nibble(rowBase, j)) * scale(row, j);
    }
  }
}
