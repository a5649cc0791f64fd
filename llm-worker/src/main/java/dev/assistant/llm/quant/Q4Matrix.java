package dev.assistant.llm.quant;

import static dev.assistant.llm.quant.Lanes.B;
import static dev.assistant.llm.quant.Lanes.F;
import static dev.assistant.llm.quant.Lanes.I;
import static dev.assistant.llm.quant.Lanes.L;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link QuantFormat#Q4}: {@code w ≈ q · step}, q in -7..7 stored as a signed (two's complement)
 * nibble in the {@link NibbleLayout}. Signed nibbles unpack with shifts alone: a byte loaded with
 * sign extension, shifted right by 4, is already the signed high nibble; shifting left by 28 and
 * back gives the signed low nibble — three integer operations per 16 weights, then int→float.
 */
final class Q4Matrix extends NibbleMatrix {

  Q4Matrix(int rows, int cols, int blockSize, boolean vector) {
    super(rows, cols, blockSize, vector);
  }

  @Override
  public QuantFormat format() {
    return QuantFormat.Q4;
  }

  @Override
  float encodeBlock(float[] weights, int base, int row, int start, int end, float absmax) {
    if (absmax == 0) {
      return 0; // codes already 0
    }
    float step = absmax / 7;
    int rowBase = row * rowBytes;
    for (int j = start; j < end; j++) {
      int q = Math.max(-7, Math.min(7, Math.round(weights[base + j] / step)));
      putNibble(rowBase, j, q);
    }
    return step;
  }

  /** The code as a two's complement nibble: move it to the top 4 bits, sign-extend it down. */
  @Override
  float level(int code) {
    return (code << 28) >> 28;
  }

  @Override
  void matVecRows(float[] x, float[] y, int rowStart, int rowEnd) {
    int vectorCols = vectorCols();
    for (int r = rowStart; r < rowEnd; r++) {
      float sum = vectorCols > 0 ? dotGroupsVector(r, x, vectorCols) : 0;
      y[r] = sum + dotScalar(r, x, vectorCols, cols);
    }
  }

  /** Columns {@code [0, vectorCols)}, a multiple of 32. */
  private float dotGroupsVector(int row, float[] x, int vectorCols) {
    int rowBase = row * rowBytes;
    int scaleBase = row * blocksPerRow;
    FloatVector acc = FloatVector.zero(F);
    for (int start = 0, b = 0; start < vectorCols; start += blockSize, b++) {
      int end = Math.min(vectorCols, start + blockSize);
      FloatVector lo = FloatVector.zero(F);
      FloatVector hi = FloatVector.zero(F);
      for (int j = start; j < end; j += NibbleLayout.GROUP) {
        int offset = rowBase + j / 2;
        for (int k = 0; k < NibbleLayout.GROUP_BYTES; k += L) {
          IntVector packed =
              (IntVector)
                  ByteVector.fromArray(B, codes, offset + k)
                      .convertShape(VectorOperators.B2I, I, 0);
          lo = lowNibbles(packed).fma(FloatVector.fromArray(F, x, j + k), lo);
          hi = highNibbles(packed).fma(FloatVector.fromArray(F, x, j + 16 + k), hi);
        }
      }
      acc = lo.add(hi).fma(FloatVector.broadcast(F, scales[scaleBase + b]), acc);
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  private static FloatVector lowNibbles(IntVector packed) {
    return (FloatVector)
        packed
            .lanewise(VectorOperators.LSHL, 28)
            .lanewise(VectorOperators.ASHR, 28)
            .convert(VectorOperators.I2F, 0);
  }

  private static FloatVector highNibbles(IntVector packed) {
    return (FloatVector) packed.lanewise(VectorOperators.ASHR, 4).convert(VectorOperators.I2F, 0);
  }

  @Override
  void decodeRow(int row, float[] dst, int dstOff) {
    int rowBase = row * rowBytes;
    int vectorCols = vectorCols();
    for (int j = 0; j < vectorCols; j += NibbleLayout.GROUP) {
      float scale = scale(row, j);
      int offset = rowBase + j / 2;
      for (int k = 0; k < NibbleLayout.GROUP_BYTES; k += L) {
        IntVector packed =
            (IntVector)
                ByteVector.fromArray(B, codes, offset + k).convertShape(VectorOperators.B2I, I, 0);
        lowNibbles(packed).mul(scale).intoArray(dst, dstOff + j + k);
        highNibbles(packed).mul(scale).intoArray(dst, dstOff + j + 16 + k);
      }
    }
    decodeScalar(row, dst, dstOff, vectorCols);
  }
}
