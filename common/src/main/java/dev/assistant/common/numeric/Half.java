package dev.assistant.common.numeric;

/**
 * Conversions between fp32 and the 16-bit float formats (IEEE 754 binary16 and bfloat16), shared by
 * the model code that reads and writes half-precision checkpoints (llm-worker's safetensors,
 * stt-worker's ggml test models). Written here rather than taken from DJL because DJL aborts the
 * JVM on any bfloat16 array, and Java 17 has no {@code Float.float16ToFloat}.
 *
 * <p>Thread-safety: stateless; the lookup table is filled once at class initialization.
 */
public final class Half {
  /** Every binary16 value as float, for bulk conversion by lookup. */
  private static final float[] F16_TO_FLOAT = new float[1 << 16];

  static {
    for (int i = 0; i < F16_TO_FLOAT.length; i++) {
      F16_TO_FLOAT[i] = f16ToFloat((short) i);
    }
  }

  private Half() {}

  /** IEEE 754 binary16 bits to float (exact). */
  public static float f16ToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // Subnormal: value = mant * 2^-24.
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /**
   * {@code dst[dstOff + i] = f16ToFloat(src[srcOff + i])} for i in {@code [0, count)}, by table
   * lookup: one load per value instead of decoding its bits, for checkpoints of hundreds of
   * millions of values.
   */
  public static void f16ToFloat(short[] src, int srcOff, float[] dst, int dstOff, int count) {
    for (int i = 0; i < count; i++) {
      dst[dstOff + i] = F16_TO_FLOAT[src[srcOff + i] & 0xffff];
    }
  }

  /** Float to binary16 bits, round to nearest even, overflow to infinity. */
  public static short floatToF16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >>> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, which is the correct rounding
    }
    return (short) (sign | half);
  }

  /** bfloat16 bits to float (exact: bf16 is the top half of an fp32). */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** Float to bfloat16 bits, round to nearest even; NaN stays NaN. */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
