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
   * Decodes one little-endian sample of {@code bytesPerSample} bytes at {@code p}. 8-bit PCM is
   * unsigned (WAV convention); wider integers are signed. Float samples are clamped to [-1, 1] and
   * NaN becomes silence: a float file may hold any bit pattern, and values far outside the range
   * would otherwise dominate the filters and the model input.
   */
  static float sampleAt(byte[] data, int p, int bytesPerSample, WavFormat.Encoding encoding) {
    switch (encoding) {
      case FLOAT:
        if (bytesPerSample == 4) {
          return clamp(Float.intBitsToFloat(readIntLe(data, p)));
        }
        long bits = (readIntLe(data, p) & 0xffffffffL) | ((long) readIntLe(data, p + 4) << 32);
        return clamp((float) Double.longBitsToDouble(bits));
      case MU_LAW:
        return muLaw(data[p]) / 32768f;
      case A_LAW:
        return aLaw(data[p]) / 32768f;
      default:
        break;
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

  /** {@code v} limited to [-1, 1]; NaN becomes 0. */
  static float clamp(float v) {
    if (v >= -1f && v <= 1f) {
      return v;
    }
    return Float.isNaN(v) ? 0f : v > 0 ? 1f : -1f;
  }

  /**
   * ITU-T G.711 µ-law code to a 16-bit linear value (range ±32124). The code is stored inverted;
   * its sign bit, 3-bit segment and 4-bit step give ((step·2 + 33)·2^segment − 33)·4.
   */
  static int muLaw(byte code) {
    int u = ~code & 0xff;
    int magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 7)) - 0x84;
    return (u & 0x80) != 0 ? -magnitude : magnitude;
  }

  /**
   * ITU-T G.711 A-law code to a 16-bit linear value (range ±32256). Even bits are stored inverted;
   * segment 0 is linear, higher segments add the implicit leading one and double.
   */
  static int aLaw(byte code) {
    int a = (code & 0xff) ^ 0x55;
    int step = (a & 0x0f) << 4;
    int segment = (a >> 4) & 7;
    int magnitude =
        segment == 0 ? step + 8 : segment == 1 ? step + 0x108 : (step + 0x108) << (segment - 1);
    return (a & 0x80) != 0 ? magnitude : -magnitude;
  }

  static int readIntLe(byte[] data, int p) {
    return (data[p] & 0xff)
        | ((data[p + 1] & 0xff) << 8)
        | ((data[p + 2] & 0xff) << 16)
        | (data[p + 3] << 24);
  }

  static int readIntBe(byte[] data, int p) {
    return ((data[p] & 0xff) << 24)
        | ((data[p + 1] & 0xff) << 16)
        | ((data[p + 2] & 0xff) << 8)
        | (data[p + 3] & 0xff);
  }

  static int readShortLe(byte[] data, int p) {
    return (data[p] & 0xff) | ((data[p + 1] & 0xff) << 8);
  }
}
