package dev.assistant.audio;

/**
 * Decoded mono audio.
 *
 * @param samples mono samples in [-1, 1] at {@code sampleRate}
 * @param sampleRate rate of {@code samples}
 * @param container the format the audio was decoded from
 * @param sourceSampleRate the sample rate of the source
 * @param sourceChannels the channel count of the source (down-mixed by averaging)
 */
public record DecodedAudio(
    float[] samples,
    int sampleRate,
    AudioContainer container,
    int sourceSampleRate,
    int sourceChannels) {

  public DecodedAudio {
    if (samples == null || sampleRate <= 0 || container == null) {
      throw new IllegalArgumentException("samples, a positive rate and the container are required");
    }
  }

  /** Duration in seconds. */
  public double seconds() {
    return samples.length / (double) sampleRate;
  }
}
