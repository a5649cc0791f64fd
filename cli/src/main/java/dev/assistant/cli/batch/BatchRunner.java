package dev.assistant.cli.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Channel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives a batch: streams the input, skips what {@code results.jsonl} already holds, keeps at most
 * {@code parallel} items in flight, and appends each item's result when its terminal event is seen.
 * Memory is bounded by {@code parallel}, not by the size of the input.
 */
public final class BatchRunner {
  /** Settings of one run. */
  public record Settings(
      Path outDir,
      int parallel,
      String idPrefix,
      String tenant,
      ItemOptions defaults,
      boolean writeAudio,
      Duration jobTimeout,
      Duration giveUpAfter,
      boolean terminal,
      long progressSeconds) {}

  /** What a run did. */
  public record Summary(
      long total,
      long ok,
      long failed,
      long skipped,
      long failedEarlier,
      double seconds,
      double p50Ms,
      double p95Ms,
      double p99Ms,
      long throttled,
      Path results) {

    public double itemsPerSecond() {
      return (ok + failed) / Math.max(1e-9, seconds);
    }

    public String forPeople() {
      return String.format(
          Locale.ROOT,
          "batch done in %.1f s: %d ok, %d failed, %d already done (%d of them failed earlier);"
              + " %.2f items/s; latency p50 %.0f ms, p95 %.0f ms, p99 %.0f ms; throttled %d times%n"
              + "results: %s",
          seconds,
          ok,
          failed,
          skipped,
          failedEarlier,
          itemsPerSecond(),
          p50Ms,
          p95Ms,
          p99Ms,
          throttled,
          results);
    }

    public ObjectNode toJson() {
      ObjectNode n = ResultJson.JSON.createObjectNode();
      n.put("total", total).put("ok", ok).put("failed", failed).put("skipped", skipped);
      n.put("failed_earlier", failedEarlier).put("seconds", seconds);
      n.put("items_per_second", itemsPerSecond());
      n.put("latency_p50_ms", p50Ms).put("latency_p95_ms", p95Ms).put("latency_p99_ms", p99Ms);
      n.put("throttled", throttled).put("results", results.toString());
      return n;
    }
  }

  private final Settings settings;
  private final Channel channel;
  private final PrintStream err;

  public BatchRunner(Settings settings, Channel channel, PrintStream err) {
    this.settings = settings;
    this.channel = channel;
    this.err = err;
  }

  public Summary run(ItemSource source, long expectedTotal)
      throws IOException, InterruptedException {
    Files.createDirectories(settings.outDir().resolve("audio"));
    Backoff backoff = new Backoff();
    LatencyHistogram latency = new LatencyHistogram();
    ItemPreparer preparer =
        new ItemPreparer(settings.idPrefix(), settings.defaults(), settings.tenant());
    ItemRunner runner =
        new ItemRunner(
            channel,
            backoff,
            settings.outDir(),
            settings.writeAudio(),
            settings.jobTimeout(),
            settings.giveUpAfter());
    AtomicReference<Throwable> fatal = new AtomicReference<>();
    long total = 0;
    try (ResultsLog log = ResultsLog.open(settings.outDir());
        Progress progress =
            new Progress(expectedTotal, settings.terminal(), err, settings.progressSeconds())) {
      if (log.repairedBytes() > 0) {
        err.printf(
            "results: removed a cut-off last line (%d bytes); that item runs again%n",
            log.repairedBytes());
      }
      if (log.duplicatesRemoved() > 0) {
        err.printf("results: removed %d duplicate lines%n", log.duplicatesRemoved());
      }
      if (log.doneCount() > 0) {
        err.printf("results: %d items already done; they are skipped%n", log.doneCount());
      }
      Semaphore slots = new Semaphore(settings.parallel());
      ExecutorService pool =
          Executors.newFixedThreadPool(
              settings.parallel(),
              r -> {
                Thread t = new Thread(r, "batch-item");
                t.setDaemon(true);
                return t;
              });
      try {
        ManifestEntry entry;
        while ((entry = source.next()) != null && fatal.get() == null) {
          total++;
          PreparedItem p = preparer.prepare(entry);
          if (log.isDone(p.id())) {
            progress.skip();
            continue;
          }
          if (!p.isOk()) {
            boolean written = log.append(p.id(), new ResultJson(p).localError(p.error()).line());
            if (written) {
              progress.finished(false);
            } else {
              progress.skip();
            }
            continue;
          }
          slots.acquire();
          pool.execute(
              () -> {
                try {
                  ResultJson r = runner.run(p);
                  if (log.append(p.id(), r.line())) {
                    if (r.totalMillis() >= 0) {
                      latency.add(r.totalMillis());
                    }
                    progress.finished(r.isOk());
                  } else {
                    progress.skip(); // the same ID twice in one input: written once
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (Throwable t) {
                  fatal.compareAndSet(null, t);
                } finally {
                  slots.release();
                }
              });
        }
        slots.acquire(settings.parallel()); // wait for the items in flight
      } finally {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
      }
      Throwable t = fatal.get();
      if (t instanceof IOException io) {
        throw io;
      } else if (t != null) {
        throw new IllegalStateException("batch stopped: " + t, t);
      }
      return new Summary(
          total,
          progress.ok(),
          progress.failed(),
          progress.skippedCount(),
          log.failedBefore(),
          progress.seconds(),
          latency.quantile(0.50),
          latency.quantile(0.95),
          latency.quantile(0.99),
          backoff.throttledCount(),
          log.path());
    }
  }
}
