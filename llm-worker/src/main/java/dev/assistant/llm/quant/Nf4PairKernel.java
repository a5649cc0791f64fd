package dev.assistant.llm.quant;

import static dev.assistant.llm.quant.Lanes.F;
import static dev.assistant.llm.quant.Lanes.L;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * NF4 matrix-vector kernel for JDK 17, where lane permutations by computed indexes are not compiled
 * to single instructions. Each packed byte (two codes) indexes a 256-entry table of both code-book
 * values packed in one long, stored with one 8-byte write into a per-thread decode buffer: one load
 * and one store per two weights. The buffer then holds, per group of 32, columns k and k + 16 side
 * by side, so the activations are reordered the same way once per call ({@link #interleave}) and
 * the dot product runs over contiguous vectors.
 *
 * <p>Uses {@code FloatVector.fromByteArray}, which exists up to JDK 19; newer JDKs use the
 * permutation kernel instead (see {@link Nf4Matrix}).
 */
final class Nf4PairKernel {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** For packed byte b: low 32 bits = level of the low nibble, high 32 = of the high nibble. */
  private static final long[] PAIRS = new long[256];

  static {
    for (int b = 0; b < 256; b++) {
      long lo = Float.floatToRawIntBits(Nf4CodeBook.LEVELS[b & 0xF]) & 0xFFFF_FFFFL;
      long hi = Float.floatToRawIntBits(Nf4CodeBook.LEVELS[b >>> 4]) & 0xFFFF_FFFFL;
      PAIRS[b] = hi << 32 | lo;
    }
  }

  private static final ThreadLocal<byte[]> DECODED = ThreadLocal.withInitial(() -> new byte[0]);
  private static final ThreadLocal<float[]> X_PAIRS = ThreadLocal.withInitial(() -> new float[0]);

  private Nf4PairKernel() {}

  /** Whether this JDK has the API the kernel needs. */
  static boolean supported() {
    return Runtime.version().feature() < 20;
  }

  /** {@code x[0, vectorCols)} reordered like a decoded row: per group, x[k], x[k + 16], … */
  static float[] interleave(float[] x, int vectorCols) {
    float[] pairs = X_PAIRS.get();
    if (pairs.length < vectorCols) {
      pairs = new float[vectorCols];
      X_PAIRS.set(pairs);
    }
    for (int g = 0; g < vectorCols; g += NibbleLayout.GROUP) {
      for (int k = 0; k < 16; k++) {
        pairs[g + 2 * k] = x[g + k];
        pairs[g + 2 * k + 1] = x[g + 16 + k];
      }
    }
    return pairs;
  }

  /**
   * Dot product of one row's first {@code vectorCols} columns (a multiple of 32) with {@code
   * xPairs} from {@link #interleave}.
   */
  static float dotRow(
      byte[] codes,
      int rowBase,
      float[] scales,
      int scaleBase,
      int blockSize,
      float[] xPairs,
      int vectorCols) {
    byte[] decoded = decodedBuffer(vectorCols * 4);
    int bytes = vectorCols / 2;
    // decode the whole row before reading it back with vector loads: a vector load that
    // overlaps stores still in the store buffer cannot be forwarded and stalls
    for (int i = 0; i < bytes; i++) {
      LONGS.set(decoded, i << 3, PAIRS[codes[rowBase + i] & 0xFF]);
    }
    FloatVector acc = FloatVector.zero(F);
    for (int start = 0, b = 0; start < vectorCols; start += blockSize, b++) {
      int end = Math.min(vectorCols, start + blockSize);
      FloatVector s0 = FloatVector.zero(F);
      FloatVector s1 = FloatVector.zero(F);
      int j = start;
      for (; j + 2 * L <= end; j += 2 * L) {
        s0 = levels(decoded, j).fma(FloatVector.fromArray(F, xPairs, j), s0);
        s1 = levels(decoded, j + L).fma(FloatVector.fromArray(F, xPairs, j + L), s1);
      }
      for (; j < end; j += L) {
        s0 = levels(decoded, j).fma(FloatVector.fromArray(F, xPairs, j), s0);
      }
      acc = s0.add(s1).fma(FloatVector.broadcast(F, scales[scaleBase + b]), acc);
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  private static FloatVector levels(byte[] decoded, int index) {
    return FloatVector.fromByteArray(F, decoded, index * 4, ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] decodedBuffer(int length) {
    byte[] buffer = DECODED.get();
    if (buffer.length < length) {
      buffer = new byte[length];
      DECODED.set(buffer);
    }
    return buffer;
  }
}
