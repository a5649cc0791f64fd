package dev.assistant.audio;

import java.util.Arrays;

/**
 * Band-limited sample-rate conversion of mono float audio for any pair of integer rates.
 *
 * <p>A Kaiser-windowed sinc low-pass whose cutoff sits just below the lower of the two Nyquist
 * frequencies is evaluated at the exact rational position of every output sample ({@code in/out}
 * reduced by their GCD), so downsampling does not alias and the output does not drift. For ratios
 * with more than {@value #MAX_PHASES} distinct phases the phase is rounded to the nearest of
 * {@value #MAX_PHASES}, an error of well under -80 dB for audio.
 *
 * <p>Use it as a stream ({@link #process} for each block, then {@link #finish}) to convert long
 * audio in bounded memory, or call {@link #resample} for a whole buffer. The filter is zero-phase:
 * output sample {@code n} lies at input time {@code n * in / out}, and {@code finish} returns the
 * tail so that exactly {@code ceil(inputSamples * out / in)} samples come out in total.
 *
 * <p>Not thread-safe: one instance per stream.
 */
public final class Resampler {
  /** Phases precomputed at most; finer ratios use the nearest phase. */
  static final int MAX_PHASES = 1024;

  private static final int ZERO_CROSSINGS = 20;
  private static final double ROLLOFF = 0.9;
  private static final double KAISER_BETA = 9.0;

  private final int inputRate;
  private final int outputRate;
  private final long up;
  private final long down;
  private final int phases;
  private final int halfTaps;
  private final float[][] filters;

  private float[] buffer = new float[0];
  private int buffered;
  private long bufferStart;
  private long totalIn;
  private long nextOut;
  private boolean finished;

  public Resampler(int inputRate, int outputRate) {
    if (inputRate <= 0 || outputRate <= 0) {
      throw new IllegalArgumentException(
          "sample rates must be positive, got " + inputRate + " -> " + outputRate);
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    long g = gcd(inputRate, outputRate);
    this.up = outputRate / g;
    this.down = inputRate / g;
    if (up == down) {
      phases = 1;
      halfTaps = 0;
      filters = null;
      return;
    }
    double scale = Math.min(1.0, (double) up / down);
    double cutoff = scale * ROLLOFF; // as a fraction of the input Nyquist frequency
    this.halfTaps = (int) Math.ceil(ZERO_CROSSINGS / cutoff);
    this.phases = (int) Math.min(up, MAX_PHASES);
    this.filters = new float[phases][];
    for (int p = 0; p < phases; p++) {
      filters[p] = kernel((double) p / phases, cutoff, halfTaps);
    }
  }

  /** Converts a whole buffer. */
  public static float[] resample(float[] input, int inputRate, int outputRate) {
    if (inputRate == outputRate) {
      return input.clone();
    }
    Resampler r = new Resampler(inputRate, outputRate);
    float[] head = r.process(input, 0, input.length);
    float[] tail = r.finish();
    float[] out = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }

  public int inputRate() {
    return inputRate;
  }

  public int outputRate() {
    return outputRate;
  }

  /** Output samples a whole input of {@code inputSamples} yields. */
  public long outputLength(long inputSamples) {
    return (inputSamples * up + down - 1) / down;
  }

  /** Feeds a block; returns the output samples that are now fully determined. */
  public float[] process(float[] input, int offset, int length) {
    if (finished) {
      throw new IllegalStateException("resampler already finished");
    }
    if (filters == null) {
      totalIn += length;
      return Arrays.copyOfRange(input, offset, offset + length);
    }
    append(input, offset, length);
    return drain(false);
  }

  /** Flushes the tail (the input is taken to be silent after its end). */
  public float[] finish() {
    if (finished) {
      return new float[0];
    }
    finished = true;
    return filters == null ? new float[0] : drain(true);
  }

  private void append(float[] input, int offset, int length) {
    if (buffered + length > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffered + length, buffer.length * 2));
    }
    System.arraycopy(input, offset, buffer, buffered, length);
    buffered += length;
    totalIn += length;
  }

  private float[] drain(boolean flush) {
    long end = flush ? outputLength(totalIn) : Long.MAX_VALUE;
    // Output n needs inputs up to floor(n*down/up) + halfTaps.
    // (one more input than that, because the phase may round up to the next input sample).
    long available = totalIn - halfTaps - 1;
    long lastComputable = flush ? end : available <= 0 ? 0 : (available * up + down - 1) / down;
    long count = Math.max(0, Math.min(end, lastComputable) - nextOut);
    float[] out = new float[(int) count];
    int taps = 2 * halfTaps;
    for (int i = 0; i < count; i++, nextOut++) {
      long pos = nextOut * down;
      long k0 = pos / up;
      long rem = pos % up;
      int phase = (int) ((rem * phases + up / 2) / up);
      if (phase == phases) {
        phase = 0;
        k0++;
      }
      float[] h = filters[phase];
      long first = k0 - halfTaps + 1;
      int b = (int) (first - bufferStart);
      double acc = 0;
      if (first >= 0 && first + taps <= totalIn) {
        for (int t = 0; t < taps; t++) {
          acc += h[t] * buffer[b + t];
        }
      } else {
        for (int t = 0; t < taps; t++) {
          long k = first + t;
          if (k >= 0 && k < totalIn) {
            acc += h[t] * buffer[b + t];
          }
        }
      }
      out[i] = (float) acc;
    }
    compact();
    return out;
  }

  /** Drops input no future output needs, keeping memory bounded on long streams. */
  private void compact() {
    long keepFrom = Math.max(0, (nextOut * down) / up - halfTaps);
    int drop = (int) Math.min(buffered, Math.max(0, keepFrom - bufferStart));
    if (drop > 0) {
      System.arraycopy(buffer, drop, buffer, 0, buffered - drop);
      buffered -= drop;
      bufferStart += drop;
    }
  }

  /**
   * Taps for an output at fractional offset {@code frac} past input sample k0: tap t weights input
   * k0 - halfTaps + 1 + t. Normalized to unit DC gain so levels are preserved exactly.
   */
  private static float[] kernel(double frac, double cutoff, int halfTaps) {
    float[] h = new float[2 * halfTaps];
    double sum = 0;
    double[] tmp = new double[h.length];
    for (int t = 0; t < h.length; t++) {
      double x = (t - halfTaps + 1) - frac; // distance in input samples
      double r = x / halfTaps;
      double w = Math.abs(r) >= 1 ? 0 : bessel0(KAISER_BETA * Math.sqrt(1 - r * r));
      tmp[t] = cutoff * sinc(cutoff * x) * w;
      sum += tmp[t];
    }
    for (int t = 0; t < h.length; t++) {
      h[t] = (float) (tmp[t] / sum);
    }
    return h;
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
    for (int k = 1; k < 50; k++) {
      term *= (half / k) * (half / k);
      sum += term;
      if (term < 1e-12 * sum) {
        break;
      }
    }
    return sum;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
