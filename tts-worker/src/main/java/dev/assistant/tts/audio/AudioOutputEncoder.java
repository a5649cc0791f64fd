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
   * Encodes the clip as-is (already at the output rate) and hands the stream to {@code sink}: PCM16
   * and WAV in one part, Ogg Opus page by page as the pages are produced.
   *
   * @param streamSerial Ogg stream serial number; derive it from the request and sentence so that
   *     replays produce the same bytes
   */
  public void encode(AudioClip clip, OutputFormat format, int streamSerial, EncodedAudioSink sink) {
    switch (format) {
      case PCM16 -> sink.accept(Pcm.toPcm16(clip.samples()), true);
      case WAV -> sink.accept(WavWriter.toWav(clip.samples(), clip.sampleRate()), true);
      case OGG_OPUS -> opus.encode(clip.samples(), clip.sampleRate(), streamSerial, sink);
    }
  }

  /**
   * An upper bound on the chunks of at most {@code chunkBytes} that {@link #encode} produces for
   * this clip when every part is cut into such chunks; known before anything is encoded.
   */
  public static long maxChunks(AudioClip clip, OutputFormat format, int chunkBytes) {
    long pcmBytes = 2L * clip.samples().length;
    return switch (format) {
      case PCM16 -> Math.max(1, ceilDiv(pcmBytes, chunkBytes));
      case WAV -> ceilDiv(WavWriter.HEADER_BYTES + pcmBytes, chunkBytes);
      case OGG_OPUS -> {
        OggOpusEncoder.StreamBound bound =
            OggOpusEncoder.bound(clip.samples().length, clip.sampleRate());
        // Each part ends in at most one partial chunk.
        yield bound.parts() + ceilDiv(bound.bytes(), chunkBytes);
      }
    };
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
