package dev.assistant.audio;

import java.util.Arrays;

/**
 * Receives interleaved frames from a format decoder, down-mixes them to mono, resamples to the
 * target rate as they arrive and stores the result up to the duration limit. Memory therefore grows
 * with the output only, never with the decoder's native rate or channel count.
 */
final class MonoSink {
  private final int targetRate;
  private final AudioLimits limits;
  private final long maxOutputSamples;
  private Resampler resampler;
  private int sourceRate;
  private int sourceChannels;
  private float[] out = new float[16_384];
  private int size;
  private float[] mono = new float[0];

  MonoSink(int targetRate, AudioLimits limits) {
    this.targetRate = targetRate;
    this.limits = limits;
    this.maxOutputSamples = (long) Math.ceil(limits.maxSeconds() * targetRate);
  }

  /** Declares the source format; a later change of format within one stream is rejected. */
  void format(int rate, int channels) throws InvalidAudioException {
    if (rate < 1000 || rate > 768_000) {
      throw new InvalidAudioException("unsupported sample rate " + rate + " Hz");
    }
    if (channels < 1 || channels > 32) {
      throw new InvalidAudioException("unsupported channel count " + channels);
    }
    if (resampler == null) {
      sourceRate = rate;
      sourceChannels = channels;
      resampler = new Resampler(rate, targetRate);
      return;
    }
    if (rate != sourceRate || channels != sourceChannels) {
      throw new InvalidAudioException(
          "audio format changes mid-stream ("
              + sourceRate
              + " Hz x"
              + sourceChannels
              + " to "
              + rate
              + " Hz x"
              + channels
              + ")");
    }
  }

  /** Adds {@code frames} interleaved frames of the declared channel count. */
  void interleaved(float[] data, int offset, int frames) throws InvalidAudioException {
    if (mono.length < frames) {
      mono = new float[frames];
    }
    int ch = sourceChannels;
    for (int f = 0, p = offset; f < frames; f++, p += ch) {
      float s = 0;
      for (int c = 0; c < ch; c++) {
        s += data[p + c];
      }
      mono[f] = finite(s / ch);
    }
    store(resampler.process(mono, 0, frames));
  }

  /** Adds planar frames ({@code channels[c][offsets[c] + i]}). */
  void planar(float[][] channels, int[] offsets, int frames) throws InvalidAudioException {
    if (mono.length < frames) {
      mono = new float[frames];
    }
    int ch = sourceChannels;
    for (int f = 0; f < frames; f++) {
      float s = 0;
      for (int c = 0; c < ch; c++) {
        s += channels[c][offsets[c] + f];
      }
      mono[f] = finite(s / ch);
    }
    store(resampler.process(mono, 0, frames));
  }

  DecodedAudio finish(AudioContainer container) throws InvalidAudioException {
    if (resampler == null) {
      throw new InvalidAudioException(container + ": no audio format found");
    }
    store(resampler.finish());
    if (size == 0) {
      throw new InvalidAudioException(container + ": the audio contains no samples");
    }
    return new DecodedAudio(
        Arrays.copyOf(out, size), targetRate, container, sourceRate, sourceChannels);
  }

  private void store(float[] block) throws InvalidAudioException {
    if (size + (long) block.length > maxOutputSamples) {
      throw new InvalidAudioException(
          "audio is longer than the limit of " + formatSeconds(limits.maxSeconds()) + " s");
    }
    if (size + block.length > out.length) {
      long grown =
          Math.max(size + (long) block.length, Math.min(maxOutputSamples, out.length * 2L));
      out = Arrays.copyOf(out, (int) grown);
    }
    System.arraycopy(block, 0, out, size, block.length);
    size += block.length;
  }

  /** Non-finite samples (float WAV garbage) would poison the filter and the model's input. */
  private static float finite(float v) {
    return Float.isFinite(v) ? v : 0f;
  }

  private static String formatSeconds(double s) {
    return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
  }
}
