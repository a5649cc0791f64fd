package dev.assistant.audio;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The anti-aliasing / anti-imaging low-pass of one rate pair, tabulated by phase.
 *
 * <p>Design (Kaiser's window method): the transition band is 10% of the lower Nyquist frequency
 * wide. Downsampling puts it just below the output Nyquist frequency (passband to 0.9 of it,
 * stopband from it), because whatever passes above the output Nyquist frequency folds back into the
 * band as an alias. Upsampling centres it on the input Nyquist frequency (passband to 0.95,
 * stopband from 1.05, or from the output Nyquist frequency when that is lower): an image of a
 * passband tone lands at {@code in - f}, inside the stopband. The stopband attenuation is {@value
 * #ATTENUATION_DB} dB, which also bounds the passband ripple to about 10⁻⁵ (0.0001 dB).
 *
 * <p>Output sample {@code n} sits at input position {@code n·down/up}; its fractional part is
 * {@code r/up} for an integer {@code r}. When {@code up} is at most {@value #MAX_EXACT_PHASES}
 * every phase has its own exact row. Otherwise the kernel is tabulated at {@value
 * #INTERPOLATED_PHASES} + 1 positions per input sample and each output blends the two nearest rows
 * linearly (error about 1.2/{@value #INTERPOLATED_PHASES}² ≈ −118 dB, below the stopband). Every
 * row is normalized to unit DC gain. Tables are immutable and shared through a small cache, because
 * a stream is opened per request or per synthesized sentence.
 */
final class ResamplingFilter {
  static final double ATTENUATION_DB = 100;
  static final int MAX_EXACT_PHASES = 1024;
  static final int INTERPOLATED_PHASES = 1024;
  private static final int CACHE_SIZE = 16;

  private static final Map<Long, ResamplingFilter> CACHE =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ResamplingFilter> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  private final long up;
  private final int halfTaps;
  private final boolean exact;

  /** {@code rows[p]}: taps for inputs {@code k0 - halfTaps + 1 ... k0 + halfTaps}. */
  private final float[][] rows;

  private ResamplingFilter(int inputRate, int outputRate) {
    long g = Resampler.gcd(inputRate, outputRate);
    this.up = outputRate / g;
    double lowNyquist = Math.min(inputRate, outputRate) / 2.0;
    double width = 0.1 * lowNyquist;
    double stop =
        outputRate < inputRate ? lowNyquist : Math.min(1.05 * lowNyquist, outputRate / 2.0);
    double cutoff = (stop - width / 2) / inputRate; // cycles per input sample
    double deltaOmega = 2 * Math.PI * width / inputRate;
    double taps = (ATTENUATION_DB - 7.95) / (2.285 * deltaOmega) + 1;
    int half = (int) Math.ceil(taps / 2);
    this.halfTaps = half + (half & 1); // an even half: taps come in fours for the dot product
    double beta = 0.1102 * (ATTENUATION_DB - 8.7);
    this.exact = up <= MAX_EXACT_PHASES;
    int count = exact ? (int) up : INTERPOLATED_PHASES + 1;
    double steps = exact ? up : INTERPOLATED_PHASES;
    this.rows = new float[count][];
    double norm = bessel0(beta);
    for (int p = 0; p < count; p++) {
      rows[p] = row(p / steps, cutoff, beta, norm);
    }
  }

  /** The shared filter for a rate pair. */
  static ResamplingFilter get(int inputRate, int outputRate) {
    long key = ((long) inputRate << 32) | outputRate;
    synchronized (CACHE) {
      ResamplingFilter f = CACHE.get(key);
      if (f == null) {
        f = new ResamplingFilter(inputRate, outputRate);
        CACHE.put(key, f);
      }
      return f;
    }
  }

  int halfTaps() {
    return halfTaps;
  }

  /**
   * The output at fractional input position {@code phase/up} past {@code x[start + halfTaps - 1]},
   * from {@code taps} inputs starting at {@code x[start]}.
   */
  float apply(long phase, float[] x, int start, int taps) {
    if (exact) {
      return dot(rows[(int) phase], x, start, taps);
    }
    double position = (double) phase * INTERPOLATED_PHASES / up;
    int i = (int) position;
    float a = (float) (position - i);
    float lo = dot(rows[i], x, start, taps);
    float hi = dot(rows[i + 1], x, start, taps);
    return lo + a * (hi - lo);
  }

  private static float dot(float[] h, float[] x, int start, int taps) {
    float a0 = 0;
    float a1 = 0;
    float a2 = 0;
    float a3 = 0;
    for (int t = 0; t < taps; t += 4) {
      int i = start + t;
      a0 += h[t] * x[i];
      a1 += h[t + 1] * x[i + 1];
      a2 += h[t + 2] * x[i + 2];
      a3 += h[t + 3] * x[i + 3];
    }
    return (a0 + a1) + (a2 + a3);
  }

  /** Windowed-sinc taps for an output {@code frac} of an input sample past input k0. */
  private float[] row(double frac, double cutoff, double beta, double norm) {
    double[] h = new double[2 * halfTaps];
    double sum = 0;
    for (int t = 0; t < h.length; t++) {
      double x = (t - halfTaps + 1) - frac; // distance in input samples
      double r = x / halfTaps;
      double w = Math.abs(r) >= 1 ? 0 : bessel0(beta * Math.sqrt(1 - r * r)) / norm;
      h[t] = 2 * cutoff * sinc(2 * cutoff * x) * w;
      sum += h[t];
    }
    float[] out = new float[h.length];
    for (int t = 0; t < h.length; t++) {
      out[t] = (float) (h[t] / sum);
    }
    return out;
  }

  private static double sinc(double x) {
    if (Math.abs(x) < 1e-12) {
      return 1;
    }
    double px = Math.PI * x;
    return Math.sin(px) / px;
  }

  /** Modified Bessel function of the first kind, order 0 (power series). */
  private static double bessel0(double x) {
    double sum = 1;
    double term = 1;
    double half = x / 2;
    for (int k = 1; k < 200; k++) {
      term *= (half / k) * (half / k);
      sum += term;
      if (term < 1e-17 * sum) {
        break;
      }
    }
    return sum;
  }
}
