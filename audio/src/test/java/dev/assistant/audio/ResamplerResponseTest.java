package dev.assistant.audio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sweeps tones through the resampler and measures, at the output, the level of the tone itself
 * (passband flatness) and of its alias or image (rejection). Levels come from projecting a
 * Hann-windowed steady-state stretch of the output onto sine and cosine at the exact expected
 * frequency, so other components and the filter's start-up and tail do not enter the figure.
 */
class ResamplerResponseTest {
  private static final double AMPLITUDE = 0.5;
  private static final double SECONDS = 1.0;

  /** Flat within 0.1 dB up to 0.9 of the lower Nyquist frequency. */
  @ParameterizedTest
  @CsvSource({
    "44100,16000",
    "48000,16000",
    "22050,16000",
    "8000,16000",
    "32000,16000",
    "96000,16000",
    "16000,24000",
    "22050,24000",
    "44100,48000",
    "24000,48000",
    "11025,16000",
    "44056,16000"
  })
  void passbandIsFlatToNinetyPercentOfNyquist(int from, int to) {
    double edge = 0.9 * Math.min(from, to) / 2;
    double worst = 0;
    String at = "";
    for (int k = 0; k <= 40; k++) {
      double f = 50 + k * (edge - 50) / 40;
      double gainDb = levelDb(Resampler.resample(tone(f, from), from, to), to, f);
      if (Math.abs(gainDb) > Math.abs(worst)) {
        worst = gainDb;
        at = String.format("%.0f Hz", f);
      }
    }
    assertTrue(Math.abs(worst) <= 0.1, from + " -> " + to + ": " + worst + " dB at " + at);
  }

  /** Telephone audio keeps its top octave: 8 kHz to 16 kHz is flat to 3.8 kHz (0.95 Nyquist). */
  @ParameterizedTest
  @CsvSource({"8000,16000,3800", "16000,24000,7600", "22050,24000,10470"})
  void upsamplingKeepsNinetyFivePercentOfTheBand(int from, int to, double f) {
    double gainDb = levelDb(Resampler.resample(tone(f, from), from, to), to, f);
    assertTrue(Math.abs(gainDb) <= 0.1, from + " -> " + to + ": " + gainDb + " dB at " + f);
  }

  /**
   * Downsampling: every tone between the output Nyquist frequency and the input Nyquist frequency
   * folds back into the output band; its alias must stay at or below -90 dB.
   */
  @ParameterizedTest
  @CsvSource({
    "44100,16000",
    "48000,16000",
    "22050,16000",
    "32000,16000",
    "96000,16000",
    "44100,24000",
    "44056,16000"
  })
  void aliasesAreBelowMinus90Db(int from, int to) {
    double nyquistOut = to / 2.0;
    double top = from / 2.0 - 50;
    double worst = -400;
    String at = "";
    for (double f = nyquistOut + 100; f <= top; f += (top - nyquistOut - 100) / 60) {
      double alias = fold(f, to);
      if (alias < 20 || alias > nyquistOut - 20) {
        continue; // folds onto DC or Nyquist, where a projection cannot separate it
      }
      double db = levelDb(Resampler.resample(tone(f, from), from, to), to, alias);
      if (db > worst) {
        worst = db;
        at = String.format("%.0f Hz (alias at %.0f Hz)", f, alias);
      }
    }
    assertTrue(worst <= -90, from + " -> " + to + ": alias at " + worst + " dB for " + at);
  }

  /**
   * Upsampling: the image of a passband tone (mirrored at the input Nyquist) stays below -90 dB.
   */
  @ParameterizedTest
  @CsvSource({"8000,16000", "16000,24000", "22050,24000", "44100,48000", "11025,16000"})
  void imagesAreBelowMinus90Db(int from, int to) {
    double edge = 0.95 * from / 2;
    double worst = -400;
    String at = "";
    for (double f = 50; f <= edge; f += (edge - 50) / 40) {
      double image = from - f;
      if (image > to / 2.0 - 20) {
        continue; // the image lies above the output Nyquist frequency: it cannot exist there
      }
      double db = levelDb(Resampler.resample(tone(f, from), from, to), to, image);
      if (db > worst) {
        worst = db;
        at = String.format("%.0f Hz (image at %.0f Hz)", f, image);
      }
    }
    assertTrue(worst <= -90, from + " -> " + to + ": image at " + worst + " dB for " + at);
  }

  private static float[] tone(double hz, int rate) {
    float[] x = new float[(int) Math.round(rate * SECONDS)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (AMPLITUDE * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return x;
  }

  /** Where a tone at {@code hz} lands after sampling at {@code rate}. */
  private static double fold(double hz, int rate) {
    double f = hz % rate;
    return f > rate / 2.0 ? rate - f : f;
  }

  /**
   * Level in dB relative to {@link #AMPLITUDE} of the component at {@code hz}, measured over the
   * middle 80% of the signal with a Hann window.
   */
  static double levelDb(float[] y, int rate, double hz) {
    int from = y.length / 10;
    int to = y.length - from;
    int n = to - from;
    double re = 0;
    double im = 0;
    double weight = 0;
    double w0 = 2 * Math.PI * hz / rate;
    for (int i = 0; i < n; i++) {
      double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / n);
      double phase = w0 * (from + i);
      re += w * y[from + i] * Math.cos(phase);
      im += w * y[from + i] * Math.sin(phase);
      weight += w;
    }
    double amplitude = 2 * Math.hypot(re, im) / weight;
    return 20 * Math.log10(Math.max(amplitude, 1e-30) / AMPLITUDE);
  }
}
