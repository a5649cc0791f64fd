package dev.assistant.audio;

/**
 * Conversions between float samples in [-1, 1] and little-endian integer PCM.
 *
 * <p>Float to PCM16 rounds to nearest and clamps, so full-scale input never wraps around.
 */
public final class Pcm {
  private Pcm() {}

  /** Little-endian signed 16-bit samples to floats in [-1, 1). */
  public static float[] fromPcm16(byte[] data, int offset, int length) {
    if ((length & 1) != 0) {
      throw new IllegalArgumentException("PCM16 length must be even, got " + length);
    }
    float[] out = new float[length / 2];
    for (int i = 0, p = offset; i < out.length; i++, p += 2) {
      out[i] = (short) ((data[p] & 0xff) | (data[p + 1] << 8)) / 32768f;
    }
    return out;
  }

  /** Little-endian signed 16-bit samples to floats in [-1, 1). */
  public static float[] fromPcm16(byte[] data) {
    return fromPcm16(data, 0, data.length);
  }

  /** Floats to little-endian signed 16-bit samples, rounded and clamped. */
  public static byte[] toPcm16(float[] samples, int offset, int length) {
    byte[] out = new byte[length * 2];
    for (int i = 0; i < length; i++) {
      short s = toShort(samples[offset + i]);
      out[2 * i] = (byte) s;
      out[2 * i + 1] = (byte) (s >> 8);
    }
    return out;
  }

  /** Floats to little-endian signed 16-bit samples, rounded and clamped. */
  public static byte[] toPcm16(float[] samples) {
    return toPcm16(samples, 0, samples.length);
  }

  /** One float sample to a 16-bit value, rounded to nearest and clamped to the 16-bit range. */
  public static short toShort(float sample) {
    float scaled = sample * 32768f;
    if (!(scaled > -32768f)) { // also maps NaN to silence's floor rather than garbage
      return Float.isNaN(scaled) ? 0 : Short.MIN_VALUE;
    }
    if (scaled >= 32767f) {
      return Short.MAX_VALUE;
    }
    return (short) Math.round(scaled);
  }

  /**
   * Decodes one little-endian integer or float sample of {@code bytesPerSample} bytes at {@code p}.
   * 8-bit PCM is unsigned (WAV convention); wider integers are signed.
   */
  static float sampleAt(byte[] data, int p, int bytesPerSample, boolean isFloat) {
    if (isFloat) {
      if (bytesPerSample == 4) {
        return Float.intBitsToFloat(readIntLe(data, p));
      }
      long bits = (readIntLe(data, p) & 0xffffffffL) | ((long) readIntLe(data, p + 4) << 32);
      return (float) Double.longBitsToDouble(bits);
    }
    switch (bytesPerSample) {
      case 1:
        return ((data[p] & 0xff) - 128) / 128f;
      case 2:
        return (short) ((data[p] & 0xff) | (data[p + 1] << 8)) / 32768f;
      case 3:
        return ((data[p] & 0xff) | ((data[p + 1] & 0xff) << 8) | (data[p + 2] << 16)) / 8388608f;
      case 4:
        return (float) (readIntLe(data, p) / 2147483648.0);
      default:
        throw new IllegalArgumentException("unsupported sample width " + bytesPerSample);
    }
  }

  static int readIntLe(byte[] data, int p) {
    return (data[p] & 0xff)
        | ((data[p + 1] & 0xff) << 8)
        | ((data[p + 2] & 0xff) << 16)
        | (data[p + 3] << 24);
  }

  static int readShortLe(byte[] data, int p) {
    return (data[p] & 0xff) | ((data[p + 1] & 0xff) << 8);
  }
}
