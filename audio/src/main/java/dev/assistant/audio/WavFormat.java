package dev.assistant.audio;

/**
 * The sample layout of a WAV file's data chunk.
 *
 * @param sampleRate frames per second
 * @param channels interleaved channels per frame
 * @param bitsPerSample container width of one sample: 8, 16, 24 or 32 (integer), 32 or 64 (float)
 * @param isFloat IEEE float samples instead of integers
 */
public record WavFormat(int sampleRate, int channels, int bitsPerSample, boolean isFloat) {
  public WavFormat {
    if (sampleRate <= 0 || channels <= 0) {
      throw new IllegalArgumentException("rate and channels must be positive");
    }
    boolean ok =
        isFloat
            ? bitsPerSample == 32 || bitsPerSample == 64
            : bitsPerSample == 8
                || bitsPerSample == 16
                || bitsPerSample == 24
                || bitsPerSample == 32;
    if (!ok) {
      throw new IllegalArgumentException(
          "unsupported " + (isFloat ? "float" : "integer") + " width " + bitsPerSample);
    }
  }

  public int bytesPerFrame() {
    return channels * bitsPerSample / 8;
  }
}
