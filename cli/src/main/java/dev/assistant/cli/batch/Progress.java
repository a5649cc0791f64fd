package dev.assistant.cli.batch;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Batch progress: a live bar (items/s, ETA, failures) on a terminal; a plain line every few seconds
 * when output goes to a file or a pipe, where a redrawn bar would be noise.
 */
final class Progress implements AutoCloseable {
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final long total;
  private final long startNanos = System.nanoTime();
  private final ProgressBar bar;
  private final ScheduledExecutorService ticker;
  private final PrintStream err;

  Progress(long total, boolean terminal, PrintStream err, long intervalSeconds) {
    this.total = total;
    this.err = err;
    if (terminal) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("batch")
              .setInitialMax(Math.max(total, 0))
              .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
              .showSpeed()
              .setUnit(" items", 1)
              .build();
      ticker = null;
    } else {
      bar = null;
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "batch-progress");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(
          () -> err.println(line()), intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }
  }

  void skip() {
    skipped.incrementAndGet();
    step();
  }

  void finished(boolean success) {
    (success ? ok : failed).incrementAndGet();
    step();
  }

  private void step() {
    if (bar != null) {
      bar.step();
      bar.setExtraMessage(
          String.format(Locale.ROOT, " failed %d, skipped %d", failed.get(), skipped.get()));
    }
  }

  long ok() {
    return ok.get();
  }

  long failed() {
    return failed.get();
  }

  long skippedCount() {
    return skipped.get();
  }

  double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** "batch: 120/1000 (ok 117, failed 3, skipped 0), 2.10 items/s, ETA 7m 0s". */
  String line() {
    long doneNow = ok.get() + failed.get();
    long all = doneNow + skipped.get();
    double rate = doneNow / Math.max(1e-9, seconds());
    String eta = "?";
    if (total > 0 && rate > 0) {
      long s = (long) ((total - all) / rate);
      eta = (s / 60) + "m " + (s % 60) + "s";
    }
    return String.format(
        Locale.ROOT,
        "batch: %d/%s (ok %d, failed %d, skipped %d), %.2f items/s, ETA %s",
        all,
        total >= 0 ? Long.toString(total) : "?",
        ok.get(),
        failed.get(),
        skipped.get(),
        rate,
        eta);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
    if (ticker != null) {
      ticker.shutdownNow();
    }
  }
}
