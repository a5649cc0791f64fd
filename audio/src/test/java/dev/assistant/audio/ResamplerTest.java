package dev.assistant.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResamplerTest {

  @ParameterizedTest
  @CsvSource({
    "44100,16000",
    "48000,16000",
    "8000,16000",
    "22050,16000",
    "16000,24000",
    "44101,16000"
  })
  void toneKeepsItsFrequencyAndEnergy(int from, int to) {
    float[] in = Signals.tone(1000, from, 1.0, 0.5);
    float[] out = Resampler.resample(in, from, to);
    assertEquals(Math.ceil(in.length * (double) to / from), out.length, 1);
    assertEquals(1000, Signals.frequency(out, to), 1.0);
    assertEquals(0.5 / Math.sqrt(2), Signals.rms(out, 0.1), 0.005);
  }

  @Test
  void suppressesAliasesWhenDownsampling() {
    // 12 kHz is above the 8 kHz Nyquist frequency of 16 kHz: without filtering it folds to 4 kHz.
    float[] in = Signals.tone(12_000, 44_100, 1.0, 0.5);
    float[] out = Resampler.resample(in, 44_100, 16_000);
    double ratioDb = 20 * Math.log10(Signals.rms(out, 0.1) / (0.5 / Math.sqrt(2)));
    assertTrue(ratioDb < -90, "alias at " + ratioDb + " dB");
  }

  @Test
  void passbandNearTheCutoffIsKept() {
    float[] out = Resampler.resample(Signals.tone(6000, 48_000, 1.0, 0.5), 48_000, 16_000);
    assertEquals(0.5 / Math.sqrt(2), Signals.rms(out, 0.1), 0.01);
  }

  @Test
  void streamingInBlocksEqualsOneShot() {
    float[] in = Signals.tone(440, 44_100, 0.7, 0.3);
    float[] whole = Resampler.resample(in, 44_100, 16_000);
    Resampler r = new Resampler(44_100, 16_000);
    float[] streamed = new float[0];
    int[] sizes = {1, 7, 100, 4096, 333};
    int p = 0;
    for (int i = 0; p < in.length; i++) {
      int n = Math.min(sizes[i % sizes.length], in.length - p);
      streamed = concat(streamed, r.process(in, p, n));
      p += n;
    }
    streamed = concat(streamed, r.finish());
    assertArrayEquals(whole, streamed, 1e-6f);
  }

  @Test
  void sameRateIsIdentity() {
    float[] in = Signals.tone(300, 16_000, 0.1, 0.2);
    assertArrayEquals(in, Resampler.resample(in, 16_000, 16_000));
  }

  @Test
  void dcLevelIsPreserved() {
    float[] in = new float[44_100];
    Arrays.fill(in, 0.25f);
    float[] out = Resampler.resample(in, 44_100, 16_000);
    assertEquals(0.25, out[out.length / 2], 1e-5);
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
