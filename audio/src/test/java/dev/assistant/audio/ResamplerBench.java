package dev.assistant.audio;

import java.util.Random;

/**
 * Prints the streaming throughput of {@link Resampler} on the rate pairs the services use: seconds
 * of audio converted per second of CPU (one thread), fed in the decoder's 8192-frame blocks. Run
 * with {@code java -cp audio/target/classes:audio/target/test-classes
 * dev.assistant.audio.ResamplerBench}; the best of several rounds is reported to damp noise from
 * other processes on the machine.
 */
public final class ResamplerBench {
  private static final int[][] PAIRS = {
    {44_100, 16_000},
    {48_000, 16_000},
    {22_050, 16_000},
    {8_000, 16_000},
    {22_050, 24_000},
    {44_100, 48_000}
  };
  private static final int SECONDS = 60;
  private static final int BLOCK = 8192;
  private static final int ROUNDS = 7;

  private ResamplerBench() {}

  /** Worst passband deviation up to 0.9 of the lower Nyquist and worst alias above it. */
  private static void quality() {
    System.out.printf("%-18s %22s %26s%n", "rates", "passband (to 0.9 Nyq)", "worst alias/image");
    for (int[] pair : PAIRS) {
      int from = pair[0];
      int to = pair[1];
      double edge = 0.9 * Math.min(from, to) / 2;
      double flat = 0;
      for (int k = 0; k <= 200; k++) {
        double f = 20 + k * (edge - 20) / 200;
        double db =
            ResamplerResponseTest.levelDb(Resampler.resample(tone(f, from), from, to), to, f);
        flat = Math.max(flat, Math.abs(db));
      }
      double worst = -400;
      for (int k = 0; k <= 200; k++) {
        double f;
        double alias;
        if (to < from) {
          f = to / 2.0 + 50 + k * (from / 2.0 - to / 2.0 - 100) / 200;
          double r = f % to;
          alias = r > to / 2.0 ? to - r : r;
        } else {
          f = 20 + k * (0.95 * from / 2 - 20) / 200;
          alias = from - f;
          if (alias > to / 2.0 - 20) {
            continue;
          }
        }
        if (alias < 20 || alias > to / 2.0 - 20) {
          continue;
        }
        worst =
            Math.max(
                worst,
                ResamplerResponseTest.levelDb(
                    Resampler.resample(tone(f, from), from, to), to, alias));
      }
      System.out.printf("%-18s %19.5f dB %23.1f dB%n", from + " -> " + to, flat, worst);
    }
  }

  private static float[] tone(double hz, int rate) {
    float[] x = new float[rate];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return x;
  }

  public static void main(String[] args) {
    quality();
    Random random = new Random(1);
    System.out.printf("%-18s %14s %16s%n", "rates", "best ms/60 s", "x real time");
    for (int[] pair : PAIRS) {
      float[] input = new float[pair[0] * SECONDS];
      for (int i = 0; i < input.length; i++) {
        input[i] = (float) (random.nextGaussian() * 0.2);
      }
      long best = Long.MAX_VALUE;
      double sink = 0;
      for (int round = 0; round < ROUNDS; round++) {
        long t0 = System.nanoTime();
        Resampler r = new Resampler(pair[0], pair[1]);
        for (int p = 0; p < input.length; p += BLOCK) {
          float[] out = r.process(input, p, Math.min(BLOCK, input.length - p));
          sink += out.length == 0 ? 0 : out[0];
        }
        sink += r.finish().length;
        best = Math.min(best, System.nanoTime() - t0);
      }
      System.out.printf(
          "%-18s %14.1f %16.0f%s%n",
          pair[0] + " -> " + pair[1], best / 1e6, SECONDS / (best / 1e9), sink == 12345 ? " " : "");
    }
  }
}
