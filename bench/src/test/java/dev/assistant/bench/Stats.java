package dev.assistant.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles of a latency sample, in milliseconds. */
record Stats(int n, double p50, double p90, double p99, double max) {
  static Stats of(List<Double> samplesMs) {
    double[] a = samplesMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (a.length == 0) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Stats(a.length, pct(a, 50), pct(a, 90), pct(a, 99), a[a.length - 1]);
  }

  private static double pct(double[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  @Override
  public String toString() {
    return String.format(
        "n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms", n, p50, p90, p99, max);
  }

  static String fmt(double v) {
    return String.format("%.2f", v);
  }

  static double[] copy(double[] a) {
    return Arrays.copyOf(a, a.length);
  }
}
