package dev.assistant.llm.quant;

/**
 * Where a 4-bit code lives. A row's blocks are contiguous; inside a block, each group of 32
 * consecutive columns occupies 16 bytes: byte k holds column k in its low nibble and column k + 16
 * in its high nibble. One load of 8 (or 16) bytes thus yields two runs of 8 (or 16) consecutive
 * columns — exactly two float vectors on AVX2 (or AVX-512) — with one shift or mask each, and no
 * shuffling of the activations.
 */
final class NibbleLayout {

  static final int GROUP = 32;
  static final int GROUP_BYTES = GROUP / 2;

  private NibbleLayout() {}

  /** Bytes per row: whole blocks, so the last block of a row is padded with zero codes. */
  static int rowBytes(int blocksPerRow, int blockSize) {
    return Math.multiplyExact(blocksPerRow, blockSize / 2);
  }

  /** Byte holding column {@code col} of the row that starts at {@code rowBase}. */
  static int byteIndex(int rowBase, int col) {
    return rowBase + (col >>> 5) * GROUP_BYTES + (col & 15);
  }

  /** 0 when column {@code col} is in the low nibble, 4 when in the high nibble. */
  static int shift(int col) {
    return (col & 16) >>> 2;
  }
}
