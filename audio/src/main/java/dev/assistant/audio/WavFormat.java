package dev.assistant.audio;

/**
 * The sample layout of a WAV file's data chunk.
 *
 * @param sampleRate frames per second
 * @param channels interleaved channels per frame
 * @param bitsPerSample container width of one sample: 8, 16, 24 or 32 (integer), 32 or 64 (float),
 *     8 (µ-law and A-law)
 * @param encoding how a sample's bits map to a level
 */
public record WavFormat(int sampleRate, int channels, int bitsPerSample, Encoding encoding) {
  /** WAV sample encodings the decoder reads, with their format tags. */
  public enum Encoding {
    /** Linear integer PCM (tag 1); 8-bit is unsigned, wider is signed. */
    PCM(1),
    /** IEEE float (tag 3). */
    FLOAT(3),
    /** ITU-T G.711 A-law (tag 6), 8 bits. */
    A_LAW(6),
    /** ITU-T G.711 µ-law (tag 7), 8 bits. */
    MU_LAW(7);

    private final int tag;

    Encoding(int tag) {
      this.tag = tag;
    }

    /** The {@code wFormatTag} value of the fmt chunk. */
    public int tag() {
      return tag;
    }
  }

  public WavFormat {
    if (sampleRate <= 0 || channels <= 0 || encoding == null) {
      throw new IllegalArgumentException("rate and channels must be positive, encoding given");
    }
    boolean ok =
        switch (encoding) {
          case FLOAT -> bitsPerSample == 32 || bitsPerSample == 64;
          case PCM ->
              bitsPerSample == 8
                  || bitsPerSample == 16
                  || bitsPerSample == 24
                  || bitsPerSample == 32;
          case A_LAW, MU_LAW -> bitsPerSample == 8;
        };
    if (!ok) {
      throw new IllegalArgumentException("unsupported " + encoding + " width " + bitsPerSample);
    }
  }

  /** Integer PCM ({@code isFloat} false) or IEEE float. */
  public WavFormat(int sampleRate, int channels, int bitsPerSample, boolean isFloat) {
    this(sampleRate, channels, bitsPerSample, isFloat ? Encoding.FLOAT : Encoding.PCM);
  }

  public boolean isFloat() {
    return encoding == Encoding.FLOAT;
  }

  public int bytesPerFrame() {
    return channels * bitsPerSample / 8;
  }
}
