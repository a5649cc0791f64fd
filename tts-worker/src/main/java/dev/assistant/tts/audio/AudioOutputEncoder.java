package dev.assistant.tts.audio;

import dev.assistant.audio.Pcm;
import dev.assistant.audio.Resampler;
import dev.assistant.audio.WavWriter;
import dev.assistant.tts.backend.AudioClip;

/**
 * Converts a synthesized clip to the requested sample rate and container. Resampling uses the
 * shared band-limited resampler, so downsampling does not alias. Thread-safe.
 */
public final class AudioOutputEncoder {
  /** Lowest and highest output sample rates accepted. */
  public static final int MIN_RATE = 8_000;

  public static final int MAX_RATE = 48_000;

  private final OggOpusEncoder opus;

  public AudioOutputEncoder(int opusBitrate) {
    this.opus = new OggOpusEncoder(opusBitrate);
  }

  /** Resamples when {@code targetRate} is non-zero and differs from the clip's rate. */
  public static AudioClip resample(AudioClip clip, int targetRate) {
    if (targetRate == 0 || targetRate == clip.sampleRate()) {
      return clip;
    }
    if (targetRate < MIN_RATE || targetRate > MAX_RATE) {
      throw new IllegalArgumentException(
          "output sample rate " + targetRate + " outside [" + MIN_RATE + ", " + MAX_RATE + "]");
    }
    return new AudioClip(
        Resampler.resample(clip.samples(), clip.sampleRate(), targetRate), targetRate);
  }

  /**
   * Encodes the clip as-is (already at the output rate).
   *
   * @param streamSerial Ogg stream serial number; derive it from the request and sentence so that
   *     replays produce the same bytes
   */
  public byte[] encode(AudioClip clip, OutputFormat format, int streamSerial) {
    return switch (format) {
      case PCM16 -> Pcm.toPcm16(clip.samples());
      case WAV -> WavWriter.toWav(clip.samples(), clip.sampleRate());
      case OGG_OPUS -> opus.encode(clip.samples(), clip.sampleRate(), streamSerial);
    };
  }
}
