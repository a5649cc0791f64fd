package dev.assistant.tts.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.assistant.audio.Pcm;
import dev.assistant.audio.Resampler;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcmFramesTest {
  private static float[] noise(int n) {
    Random random = new Random(n);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (0.3 * Math.sin(i * 0.05) + 0.1 * random.nextGaussian());
    }
    return x;
  }

  /** Takes every frame up to the end of the audio plus one frame of padding. */
  private static short[] drain(PcmFrames frames, int frame) {
    int count = (int) ((frames.length() + frame - 1) / frame) + 1;
    short[] out = new short[count * frame];
    short[] pcm = new short[frame];
    for (int f = 0; f < count; f++) {
      frames.next(pcm);
      System.arraycopy(pcm, 0, out, f * frame, frame);
    }
    return out;
  }

  @Test
  void blockwiseResamplingEqualsResamplingTheWholeClip() {
    for (int[] rates : new int[][] {{22_050, 24_000}, {44_100, 48_000}, {16_000, 48_000}}) {
      float[] input = noise(rates[0] * 3 / 2 + 17);
      int frame = rates[1] / 50;
      PcmFrames frames = new PcmFrames(input, rates[0], rates[1], frame);
      short[] streamed = drain(frames, frame);
      float[] whole = Resampler.resample(input, rates[0], rates[1]);
      assertEquals(whole.length, frames.length(), rates[0] + " -> " + rates[1]);
      short[] expected = new short[streamed.length];
      for (int i = 0; i < whole.length; i++) {
        expected[i] = Pcm.toShort(whole[i]);
      }
      assertArrayEquals(expected, streamed, rates[0] + " -> " + rates[1] + ", zero-padded");
    }
  }

  @Test
  void sameRateFramesTheInputAsItIs() {
    float[] input = noise(1000);
    PcmFrames frames = new PcmFrames(input, 16_000, 16_000, 320);
    short[] out = drain(frames, 320);
    assertEquals(1000, frames.length());
    for (int i = 0; i < out.length; i++) {
      assertEquals(i < input.length ? Pcm.toShort(input[i]) : 0, out[i]);
    }
  }

  @Test
  void picksTheNextOpusRateUp() {
    assertEquals(8_000, OggOpusEncoder.opusRate(8_000));
    assertEquals(16_000, OggOpusEncoder.opusRate(16_000));
    assertEquals(12_000, OggOpusEncoder.opusRate(11_025));
    assertEquals(24_000, OggOpusEncoder.opusRate(22_050));
    assertEquals(48_000, OggOpusEncoder.opusRate(44_100));
    assertEquals(48_000, OggOpusEncoder.opusRate(32_000));
  }
}
