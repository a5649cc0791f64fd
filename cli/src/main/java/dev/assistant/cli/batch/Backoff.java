package dev.assistant.cli.batch;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shared pacing for all workers of a batch. When the gateway says RESOURCE_EXHAUSTED it says how
 * long to wait ({@code retry-after-ms}); every worker then holds off until that moment, so an
 * overloaded pipeline slows the batch down instead of failing items.
 */
final class Backoff {
  static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  private final AtomicLong pauseUntilNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong throttled = new AtomicLong();

  /** Waits until the shared pause (if any) has passed. */
  void awaitTurn() throws InterruptedException {
    long wait;
    while ((wait = pauseUntilNanos.get() - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, wait / 1_000_000));
    }
  }

  /** Records a refusal; returns how long this worker should wait before trying again. */
  Duration onRefused(StatusRuntimeException e, int attempt) {
    long ms = retryAfterMillis(e);
    if (ms <= 0) {
      ms = Math.min(30_000, 200L << Math.min(attempt, 8)); // no hint: exponential, capped
    }
    throttled.incrementAndGet();
    long until = System.nanoTime() + ms * 1_000_000;
    pauseUntilNanos.accumulateAndGet(until, Math::max);
    return Duration.ofMillis(ms);
  }

  long throttledCount() {
    return throttled.get();
  }

  static long retryAfterMillis(StatusRuntimeException e) {
    Metadata t = e.getTrailers();
    String v = t == null ? null : t.get(RETRY_AFTER);
    if (v == null) {
      return -1;
    }
    try {
      return Math.max(0, Long.parseLong(v.trim()));
    } catch (NumberFormatException x) {
      return -1;
    }
  }

  /** Errors that say "try again later" rather than "this item is bad". */
  static boolean isTransient(Status.Code code) {
    return code == Status.Code.UNAVAILABLE
        || code == Status.Code.RESOURCE_EXHAUSTED
        || code == Status.Code.ABORTED
        || code == Status.Code.DEADLINE_EXCEEDED;
  }
}
