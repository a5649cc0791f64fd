package dev.assistant.tts.audio;

import dev.assistant.audio.Pcm;
import dev.assistant.audio.Resampler;

/**
 * Cuts mono audio into fixed-size 16-bit frames at the encoder's rate. When the rates differ the
 * audio is resampled block by block as frames are taken, so the first frame costs one block of
 * resampling instead of the whole clip (which would delay the first Opus page by tens of
 * milliseconds for a sentence). The output is the same as resampling the whole clip at once. Not
 * thread-safe.
 */
final class PcmFrames {
  private final float[] input;
  private final Resampler resampler;
  private final int frame;
  private final int block;
  private final long length;
  private float[] pending;
  private int pendingAt;
  private int fed;
  private boolean flushed;

  /**
   * @param frame samples per frame at {@code outputRate}
   */
  PcmFrames(float[] input, int inputRate, int outputRate, int frame) {
    this.input = input;
    this.frame = frame;
    if (inputRate == outputRate) {
      this.resampler = null;
      this.pending = input;
      this.fed = input.length;
      this.flushed = true;
      this.block = 0;
      this.length = input.length;
    } else {
      this.resampler = new Resampler(inputRate, outputRate);
      this.pending = new float[0];
      // About one frame's worth of input per step.
      this.block = (int) ((long) frame * inputRate / outputRate) + 1;
      this.length = resampler.outputLength(input.length);
    }
  }

  /** Samples of audio at the output rate; frames past them are silence. */
  long length() {
    return length;
  }

  /** Fills {@code pcm} (one frame) with the next samples, zero past the end of the audio. */
  void next(short[] pcm) {
    int filled = 0;
    while (filled < frame) {
      if (pendingAt < pending.length) {
        int n = Math.min(frame - filled, pending.length - pendingAt);
        for (int i = 0; i < n; i++) {
          pcm[filled + i] = Pcm.toShort(pending[pendingAt + i]);
        }
        filled += n;
        pendingAt += n;
      } else if (fed < input.length) {
        int n = Math.min(block, input.length - fed);
        pending = resampler.process(input, fed, n);
        pendingAt = 0;
        fed += n;
      } else if (!flushed) {
        pending = resampler.finish();
        pendingAt = 0;
        flushed = true;
      } else {
        java.util.Arrays.fill(pcm, filled, frame, (short) 0);
        filled = frame;
      }
    }
  }
}
