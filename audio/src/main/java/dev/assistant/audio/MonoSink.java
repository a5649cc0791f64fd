package dev.assistant.audio;

import java.util.Arrays;

/**
 * Receives interleaved frames from a format decoder, down-mixes them to mono, resamples to the
 * target rate as they arrive and stores the result up to the duration limit. Memory therefore grows
 * with the output only, never with the decoder's native rate or channel count.
 *
 * <p>When the decoder knows the length in advance ({@link #expect}: a WAV data chunk, FLAC's
 * STREAMINFO, an MP3 info frame, an Ogg stream's last granule position) the output array is
 * allocated once at its final size and handed out as is, so a decode holds the input and one output
 * and nothing more. Only when the length is unknown or the header was wrong does the array grow (by
 * half) and get trimmed by one copy at the end. Samples are clamped to [-1, 1] (NaN becomes
 * silence) both before the filter and after it, whose overshoot on full-scale edges can pass 1.
 */
final class MonoSink {
  private final int targetRate;
  private final AudioLimits limits;
  private final long maxOutputSamples;
  private Resampler resampler;
  private int sourceRate;
  private int sourceChannels;
  private float[] out = new float[0];
  private int size;
  private float[] mono = new float[0];
  private float[] resampled = new float[0];

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

  /**
   * Announces how many source frames will follow (per channel), so the output can be allocated
   * once. A wrong figure costs a copy, never a sample; values of 0 or less mean unknown.
   */
  void expect(long sourceFrames) {
    if (resampler == null || sourceFrames <= 0 || size > 0) {
      return;
    }
    long samples = Math.min(maxOutputSamples, resampler.outputLength(sourceFrames));
    out = new float[(int) samples];
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
      mono[f] = Pcm.clamp(s / ch);
    }
    resample(frames);
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
      mono[f] = Pcm.clamp(s / ch);
    }
    resample(frames);
  }

  DecodedAudio finish(AudioContainer container) throws InvalidAudioException {
    if (resampler == null) {
      throw new InvalidAudioException(container + ": no audio format found");
    }
    ensureScratch(0);
    store(resampler.finish(resampled, 0));
    if (size == 0) {
      throw new InvalidAudioException(container + ": the audio contains no samples");
    }
    float[] samples = size == out.length ? out : Arrays.copyOf(out, size);
    out = null;
    return new DecodedAudio(samples, targetRate, container, sourceRate, sourceChannels);
  }

  private void resample(int frames) throws InvalidAudioException {
    ensureScratch(frames);
    store(resampler.process(mono, 0, frames, resampled, 0));
  }

  private void ensureScratch(int frames) {
    int need = resampler.maxOutput(frames);
    if (resampled.length < need) {
      resampled = new float[need];
    }
  }

  /** Appends the first {@code n} samples of the scratch block. */
  private void store(int n) throws InvalidAudioException {
    if (size + (long) n > maxOutputSamples) {
      throw new InvalidAudioException(
          "audio is longer than the limit of " + formatSeconds(limits.maxSeconds()) + " s");
    }
    if (size + n > out.length) {
      long grown =
          Math.max(
              size + (long) n,
              Math.min(maxOutputSamples, Math.max(16_384, out.length + (long) out.length / 2)));
      out = Arrays.copyOf(out, (int) grown);
    }
    for (int i = 0; i < n; i++) {
      out[size + i] = Pcm.clamp(resampled[i]);
    }
    size += n;
  }

  private static String formatSeconds(double s) {
    return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
  }
}
