package dev.assistant.llm.quant;

import static dev.assistant.llm.quant.Lanes.B;
import static dev.assistant.llm.quant.Lanes.F;
import static dev.assistant.llm.quant.Lanes.I;
import static dev.assistant.llm.quant.Lanes.L;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * {@link QuantFormat#NF4}: {@code w ≈ LEVELS[code] · absmax}, unsigned 4-bit codes in the {@link
 * NibbleLayout}. On JDK 20+ the code book is looked up with a lane permutation: on AVX-512 one
 * 16-lane vector holds the whole table ({@code vpermd}); on AVX2 the table spans two 8-lane vectors
 * and each lookup is two permutations plus a blend on the code's top bit. On JDK 17-19
 * matrix-vector products use {@link Nf4PairKernel} instead, and row decoding a scalar table.
 */
final class Nf4Matrix extends NibbleMatrix {

  /** The code book as float bits, split into vectors of L lanes (null without vector kernels). */
  private static final IntVector TABLE_LO;

  private static final IntVector TABLE_HI;

  static {
    int[] bits = new int[16];
    for (int i = 0; i < 16; i++) {
      bits[i] = Float.floatToRawIntBits(Nf4CodeBook.LEVELS[i]);
    }
    TABLE_LO = Lanes.VECTOR ? IntVector.fromArray(I, bits, 0) : null;
    TABLE_HI = Lanes.VECTOR && L == 8 ? IntVector.fromArray(I, bits, 8) : null;
  }

  /**
   * Lane permutations by computed indexes compile to {@code vpermd} on recent JDKs but not on JDK
   * 17, where {@link Nf4PairKernel}'s table decode is faster (figures in
   * docs/benchmarks/llm-quant.md). {@code -Ddev.assistant.quant.nf4=permute} forces permutations.
   */
  static final boolean PERMUTE_LOOKUP =
      System.getProperty("dev.assistant.quant.nf4", "auto").equals("permute")
          || !Nf4PairKernel.supported();

  Nf4Matrix(int rows, int cols, int blockSize, boolean vector) {
    super(rows, cols, blockSize, vector);
  }

  @Override
  public QuantFormat format() {
    return QuantFormat.NF4;
  }

  @Override
  float encodeBlock(float[] weights, int base, int row, int start, int end, float absmax) {
    int rowBase = row * rowBytes;
    for (int j = start; j < end; j++) {
      int code =
          absmax == 0 ? Nf4CodeBook.ZERO_CODE : Nf4CodeBook.nearestCode(weights[base + j] / absmax);
      putNibble(rowBase, j, code);
    }
    return absmax;
  }

  @Override
  float level(int code) {
    return Nf4CodeBook.LEVELS[code];
  }

  @Override
  void matVecRows(float[] x, float[] y, int rowStart, int rowEnd) {
    int vectorCols = vectorCols();
    float[] xPairs =
        vectorCols > 0 && !PERMUTE_LOOKUP ? Nf4PairKernel.interleave(x, vectorCols) : null;
    for (int r = rowStart; r < rowEnd; r++) {
      float sum = 0;
      if (vectorCols > 0) {
        sum =
            PERMUTE_LOOKUP
                ? dotGroupsPermute(r, x, vectorCols)
                : Nf4PairKernel.dotRow(
                    codes, r * rowBytes, scales, r * blocksPerRow, blockSize, xPairs, vectorCols);
      }
      y[r] = sum + dotScalar(r, x, vectorCols, cols);
    }
  }

  /** Looks codes up in vector registers with lane permutations. */
  private float dotGroupsPermute(int row, float[] x, int vectorCols) {
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
          lo = lookup(packed.and(0xF)).fma(FloatVector.fromArray(F, x, j + k), lo);
          hi =
              lookup(packed.lanewise(VectorOperators.ASHR, 4).and(0xF))
                  .fma(FloatVector.fromArray(F, x, j + 16 + k), hi);
        }
      }
      acc = lo.add(hi).fma(FloatVector.broadcast(F, scales[scaleBase + b]), acc);
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  /** Scalar table decode for {@link #decodeRow} where permutations are slow. */
  private void decodeGroupsScalar(int row, float[] dst, int dstOff, int vectorCols) {
    float[] levels = Nf4CodeBook.LEVELS;
    int rowBase = row * rowBytes;
    for (int j = 0; j < vectorCols; j += NibbleLayout.GROUP) {
      float scale = scale(row, j);
      int offset = rowBase + j / 2;
      int out = dstOff + j;
      for (int k = 0; k < NibbleLayout.GROUP_BYTES; k++) {
        int packed = codes[offset + k];
        dst[out + k] = levels[packed & 0xF] * scale;
        dst[out + k + 16] = levels[(packed >> 4) & 0xF] * scale;
      }
    }
  }

  /** Code-book values of codes in 0..15. */
  private static FloatVector lookup(IntVector codes) {
    if (L == 16) {
      return TABLE_LO.rearrange(codes.toShuffle()).reinterpretAsFloats();
    }
    // 16 entries over two 8-lane tables: permute both by the low 3 bits, blend on bit 3
    VectorShuffle<Integer> low3 = codes.and(7).toShuffle();
    return TABLE_LO
        .rearrange(low3)
        .blend(TABLE_HI.rearrange(low3), codes.compare(VectorOperators.GT, 7))
        .reinterpretAsFloats();
  }

  @Override
  void decodeRow(int row, float[] dst, int dstOff) {
    int rowBase = row * rowBytes;
    int vectorCols = vectorCols();
    if (!PERMUTE_LOOKUP) {
      decodeGroupsScalar(row, dst, dstOff, vectorCols);
    } else {
      for (int j = 0; j < vectorCols; j += NibbleLayout.GROUP) {
        float scale = scale(row, j);
        int offset = rowBase + j / 2;
        for (int k = 0; k < NibbleLayout.GROUP_BYTES; k += L) {
          IntVector packed =
              (IntVector)
                  ByteVector.fromArray(B, codes, offset + k)
                      .convertShape(VectorOperators.B2I, I, 0);
          lookup(packed.and(0xF)).mul(scale).intoArray(dst, dstOff + j + k);
          lookup(packed.lanewise(VectorOperators.ASHR, 4).and(0xF))
              .mul(scale)
              .intoArray(dst, dstOff + j + 16 + k);
        }
      }
    }
    decodeScalar(row, dst, dstOff, vectorCols);
  }
}
