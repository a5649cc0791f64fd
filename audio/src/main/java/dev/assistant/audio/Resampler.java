package dev.assistant.audio;

import java.util.Arrays;

/**
 * Band-limited sample-rate conversion of mono float audio for any pair of integer rates.
 *
 * <p>A Kaiser-windowed sinc low-pass (≥ 100 dB stopband, see {@link ResamplingFilter}) is evaluated
 * at the exact rational position of every output sample ({@code in/out} reduced by their GCD), so
 * the output does not drift. Downsampling is flat to 0.9 of the output Nyquist frequency and
 * attenuates everything above the output Nyquist frequency, so nothing folds back into the band;
 * upsampling is flat to 0.95 of the input Nyquist frequency and removes the images above it.
 *
 * <p>Use it as a stream ({@link #process} for each block, then {@link #finish}) to convert long
 * audio in bounded memory, or call {@link #resample} for a whole buffer. The filter is zero-phase:
 * output sample {@code n} lies at input time {@code n * in / out}, and {@code finish} returns the
 * tail so that exactly {@code ceil(inputSamples * out / in)} samples come out in total. The
 * array-filling variants ({@link #process(float[], int, int, float[], int)}) allocate nothing per
 * block.
 *
 * <p>Not thread-safe: one instance per stream.
 */
public final class Resampler {
  private final int inputRate;
  private final int outputRate;
  private final long up;
  private final long down;
  private final ResamplingFilter filter;
  private final int halfTaps;

  /** Input still needed, with {@code halfTaps} zeros before the first sample. */
  private float[] buffer;

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
      filter = null;
      halfTaps = 0;
      buffer = new float[0];
      return;
    }
    this.filter = ResamplingFilter.get(inputRate, outputRate);
    this.halfTaps = filter.halfTaps();
    this.buffer = new float[4 * halfTaps + 8192];
    this.buffered = halfTaps; // the silence before the first sample
    this.bufferStart = -halfTaps;
  }

  /** Converts a whole buffer. */
  public static float[] resample(float[] input, int inputRate, int outputRate) {
    if (inputRate == outputRate) {
      return input.clone();
    }
    Resampler r = new Resampler(inputRate, outputRate);
    float[] out = new float[(int) r.outputLength(input.length)];
    int n = 0;
    for (int p = 0; p < input.length; ) {
      int block = Math.min(1 << 16, input.length - p);
      n += r.process(input, p, block, out, n);
      p += block;
    }
    n += r.finish(out, n);
    return n == out.length ? out : Arrays.copyOf(out, n);
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

  /**
   * Most samples one {@link #process(float[], int, int, float[], int)} call with {@code
   * inputLength} samples, or one {@link #finish(float[], int)}, can write.
   */
  public int maxOutput(int inputLength) {
    return (int) (((long) inputLength + halfTaps + 2) * up / down + 2);
  }

  /** Feeds a block; returns the output samples that are now fully determined. */
  public float[] process(float[] input, int offset, int length) {
    float[] out = new float[maxOutput(length)];
    return Arrays.copyOf(out, process(input, offset, length, out, 0));
  }

  /**
   * Feeds a block and writes the output samples that are now fully determined to {@code out} from
   * {@code outOffset}, which must have room for {@link #maxOutput maxOutput(length)}.
   *
   * @return the number of samples written
   */
  public int process(float[] input, int offset, int length, float[] out, int outOffset) {
    if (finished) {
      throw new IllegalStateException("resampler already finished");
    }
    totalIn += length;
    if (filter == null) {
      System.arraycopy(input, offset, out, outOffset, length);
      return length;
    }
    append(input, offset, length);
    return drain(Long.MAX_VALUE, out, outOffset);
  }

  /** Flushes the tail (the input is taken to be silent after its end). */
  public float[] finish() {
    float[] out = new float[maxOutput(0)];
    return Arrays.copyOf(out, finish(out, 0));
  }

  /**
   * Flushes the tail into {@code out} from {@code outOffset}, which must have room for {@link
   * #maxOutput maxOutput(0)}.
   *
   * @return the number of samples written
   */
  public int finish(float[] out, int outOffset) {
    if (finished || filter == null) {
      finished = true;
      return 0;
    }
    finished = true;
    appendSilence(halfTaps + 2);
    return drain(outputLength(totalIn), out, outOffset);
  }

  private void append(float[] input, int offset, int length) {
    ensureRoom(length);
    System.arraycopy(input, offset, buffer, buffered, length);
    buffered += length;
  }

  private void appendSilence(int length) {
    ensureRoom(length);
    Arrays.fill(buffer, buffered, buffered + length, 0f);
    buffered += length;
  }

  private void ensureRoom(int length) {
    if (buffered + length > buffer.length) {
      buffer =
          Arrays.copyOf(buffer, Math.max(buffered + length, buffer.length + buffer.length / 2));
    }
  }

  /** Computes every output whose taps are all in the buffer, up to (excluding) {@code end}. */
  private int drain(long end, float[] out, int outOffset) {
    long available = bufferStart + buffered; // absolute index one past the last buffered input
    int taps = 2 * halfTaps;
    int written = 0;
    while (nextOut < end) {
      long pos = nextOut * down;
      long k0 = pos / up;
      if (k0 + halfTaps >= available) {
        break;
      }
      int start = (int) (k0 - halfTaps + 1 - bufferStart);
      out[outOffset + written++] = filter.apply(pos % up, buffer, start, taps);
      nextOut++;
    }
    compact();
    return written;
  }

  /** Drops input no future output needs, keeping memory bounded on long streams. */
  private void compact() {
    long keepFrom = (nextOut * down) / up - halfTaps + 1;
    int drop = (int) Math.min(buffered, Math.max(0, keepFrom - bufferStart));
    if (drop > 0) {
      System.arraycopy(buffer, drop, buffer, 0, buffered - drop);
      buffered -= drop;
      bufferStart += drop;
    }
  }

  static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
