package dev.assistant.audio;

/**
 * Parses RIFF/WAVE files: integer PCM 8/16/24/32-bit, IEEE float 32/64-bit, G.711 µ-law and A-law
 * (telephony, 8-bit), plain or WAVE_FORMAT_EXTENSIBLE headers, any channel count and sample rate.
 * Unknown chunks are skipped; a data chunk whose declared size runs past the end (streamed WAVs
 * write 0 or 0xFFFFFFFF) is read to the last whole frame. Stateless and thread-safe.
 */
public final class WavReader {
  private static final int FORMAT_EXTENSIBLE = 0xfffe;

  private WavReader() {}

  /** Location of the samples inside a WAV file. */
  public record Layout(WavFormat format, int dataOffset, int dataLength) {
    public int frames() {
      return dataLength / format.bytesPerFrame();
    }
  }

  /** Finds the format and the data chunk, validating every field. */
  public static Layout parse(byte[] wav) throws InvalidAudioException {
    if (wav.length < 12
        || !(tag(wav, 0).equals("RIFF") || tag(wav, 0).equals("RF64"))
        || !tag(wav, 8).equals("WAVE")) {
      throw new InvalidAudioException("WAV: not a RIFF/WAVE file");
    }
    WavFormat format = null;
    int p = 12;
    while (p + 8 <= wav.length) {
      String id = tag(wav, p);
      long size = Pcm.readIntLe(wav, p + 4) & 0xffff_ffffL;
      int body = p + 8;
      if (id.equals("fmt ")) {
        format = parseFormat(wav, body, size);
      } else if (id.equals("data")) {
        if (format == null) {
          throw new InvalidAudioException("WAV: data chunk before the fmt chunk");
        }
        long available = wav.length - body;
        long length = size == 0 || size > available ? available : size;
        int frameBytes = format.bytesPerFrame();
        length -= length % frameBytes;
        return new Layout(format, body, (int) length);
      }
      long next = body + size + (size & 1); // chunks are padded to even sizes
      if (next > wav.length) {
        break;
      }
      p = (int) next;
    }
    throw new InvalidAudioException(
        format == null ? "WAV: no fmt chunk" : "WAV: no data chunk (file truncated?)");
  }

  /** Decodes a WAV file to mono at its own sample rate (channels averaged). */
  public static DecodedAudio readMono(byte[] wav) throws InvalidAudioException {
    Layout layout = parse(wav);
    return AudioDecoder.decodeWav(wav, layout, layout.format().sampleRate(), AudioLimits.DEFAULT);
  }

  private static WavFormat parseFormat(byte[] wav, int p, long size) throws InvalidAudioException {
    if (size < 16 || p + size > wav.length) {
      throw new InvalidAudioException("WAV: fmt chunk truncated");
    }
    int tag = Pcm.readShortLe(wav, p);
    int channels = Pcm.readShortLe(wav, p + 2);
    long rate = Pcm.readIntLe(wav, p + 4) & 0xffff_ffffL;
    int blockAlign = Pcm.readShortLe(wav, p + 12);
    int bits = Pcm.readShortLe(wav, p + 14);
    if (tag == FORMAT_EXTENSIBLE) {
      if (size < 40) {
        throw new InvalidAudioException("WAV: extensible fmt chunk truncated");
      }
      tag = Pcm.readShortLe(wav, p + 24); // first two bytes of the sub-format GUID
    }
    WavFormat.Encoding encoding = null;
    for (WavFormat.Encoding e : WavFormat.Encoding.values()) {
      if (e.tag() == tag) {
        encoding = e;
      }
    }
    if (encoding == null) {
      throw new InvalidAudioException(
          "WAV: unsupported encoding tag " + tag + " (only PCM, IEEE float, µ-law and A-law)");
    }
    if (channels < 1 || channels > 32) {
      throw new InvalidAudioException("WAV: unsupported channel count " + channels);
    }
    if (rate < 1000 || rate > 768_000) {
      throw new InvalidAudioException("WAV: unsupported sample rate " + rate + " Hz");
    }
    boolean supported =
        switch (encoding) {
          case FLOAT -> bits == 32 || bits == 64;
          case PCM -> bits == 8 || bits == 16 || bits == 24 || bits == 32;
          case A_LAW, MU_LAW -> bits == 8;
        };
    if (!supported) {
      throw new InvalidAudioException(
          "WAV: unsupported " + encoding + " sample width " + bits + " bits");
    }
    WavFormat format = new WavFormat((int) rate, channels, bits, encoding);
    if (blockAlign != format.bytesPerFrame()) {
      throw new InvalidAudioException(
          "WAV: block align "
              + blockAlign
              + " does not match "
              + channels
              + " x "
              + bits
              + " bits");
    }
    return format;
  }

  private static String tag(byte[] b, int p) {
    char[] c = new char[4];
    for (int i = 0; i < 4; i++) {
      c[i] = (char) (b[p + i] & 0xff);
    }
    return new String(c);
  }
}
