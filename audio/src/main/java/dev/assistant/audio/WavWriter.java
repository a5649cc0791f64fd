package dev.assistant.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Writes canonical 44-byte-header PCM16 mono WAV files. Stateless and thread-safe. */
public final class WavWriter {
  /** Size of the header written before the samples. */
  public static final int HEADER_BYTES = 44;

  private WavWriter() {}

  /** A complete mono PCM16 WAV file. */
  public static byte[] toWav(float[] samples, int sampleRate) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER_BYTES + samples.length * 2);
    try {
      write(samples, sampleRate, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
    return out.toByteArray();
  }

  /** Writes a complete mono PCM16 WAV file to {@code out}. */
  public static void write(float[] samples, int sampleRate, OutputStream out) throws IOException {
    out.write(header(samples.length * 2L, new WavFormat(sampleRate, 1, 16, false)));
    out.write(Pcm.toPcm16(samples));
  }

  /**
   * The 44-byte header for {@code dataBytes} bytes of samples in {@code format} (its encoding gives
   * the format tag).
   */
  public static byte[] header(long dataBytes, WavFormat format) {
    if (dataBytes < 0 || dataBytes > 0xffff_ffffL - 36) {
      throw new IllegalArgumentException("WAV data size out of range: " + dataBytes);
    }
    byte[] h = new byte[HEADER_BYTES];
    ascii(h, 0, "RIFF");
    intLe(h, 4, (int) (36 + dataBytes));
    ascii(h, 8, "WAVE");
    ascii(h, 12, "fmt ");
    intLe(h, 16, 16);
    shortLe(h, 20, format.encoding().tag());
    shortLe(h, 22, format.channels());
    intLe(h, 24, format.sampleRate());
    intLe(h, 28, format.sampleRate() * format.bytesPerFrame());
    shortLe(h, 32, format.bytesPerFrame());
    shortLe(h, 34, format.bitsPerSample());
    ascii(h, 36, "data");
    intLe(h, 40, (int) dataBytes);
    return h;
  }

  private static void ascii(byte[] b, int p, String s) {
    for (int i = 0; i < 4; i++) {
      b[p + i] = (byte) s.charAt(i);
    }
  }

  private static void intLe(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >> 8);
    b[p + 2] = (byte) (v >> 16);
    b[p + 3] = (byte) (v >> 24);
  }

  private static void shortLe(byte[] b, int p, int v) {
    b[p] = (byte) v;
    b[p + 1] = (byte) (v >> 8);
  }
}
