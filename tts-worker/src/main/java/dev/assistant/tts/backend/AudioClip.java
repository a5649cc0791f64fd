package dev.assistant.tts.backend;

/**
 * Mono audio as floats in [-1, 1].
 *
 * @param samples the samples; owned by the clip, not copied
 * @param sampleRate samples per second
 */
public record AudioClip(float[] samples, int sampleRate) {
  public AudioClip {
    if (samples == null) {
      throw new IllegalArgumentException("samples is null");
    }
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sample rate " + sampleRate);
    }
  }

  /** Duration in seconds. */
  public double seconds() {
    return samples.length / (double) sampleRate;
  }

  /** Converts signed 16-bit samples. */
  public static AudioClip fromPcm16(short[] pcm, int sampleRate) {
    float[] out = new float[pcm.length];
    for (int i = 0; i < pcm.length; i++) {
      out[i] = pcm[i] / 32768f;
    }
    return new AudioClip(out, sampleRate);
  }
}
