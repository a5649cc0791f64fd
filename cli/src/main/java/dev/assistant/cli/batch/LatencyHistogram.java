package dev.assistant.cli.batch;

/**
 * Latency percentiles in constant memory: log-spaced buckets 2% apart from 1 ms to about 11 days,
 * so a million items cost the same as ten.
 */
final class LatencyHistogram {
  private static final double RATIO = 1.02;
  private final long[] counts = new long[820];
  private long total;

  synchronized void add(double millis) {
    int i = millis <= 1 ? 0 : (int) Math.ceil(Math.log(millis) / Math.log(RATIO));
    counts[Math.min(counts.length - 1, i)]++;
    total++;
  }

  /** The value at quantile {@code q} (0..1), to within 2%; NaN when empty. */
  synchronized double quantile(double q) {
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= Math.max(1, rank)) {
        return Math.pow(RATIO, i);
      }
    }
    return Math.pow(RATIO, counts.length - 1);
  }

  synchronized long count() {
    return total;
  }
}
