package dev.assistant.common.testing;

import dev.assistant.common.worker.StageContext;
import dev.assistant.internal.v1.StageOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link StageContext} for handler tests: keeps what the handler emits, numbered per request as
 * the worker numbers it, and lets a test cancel the request. Safe to read while a handler runs on
 * another thread.
 */
public final class RecordingContext implements StageContext {
  private final String requestId;
  private final List<StageOutput> outputs = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;
  private volatile Duration processing = Duration.ZERO;
  private volatile long firstEmitNanos;
  private volatile long lastEmitNanos;

  public RecordingContext(String requestId) {
    this.requestId = requestId;
  }

  /** Everything emitted so far, in order. */
  public List<StageOutput> outputs() {
    return outputs;
  }

  /** Marks the request cancelled; the handler sees it at its next {@link #isCancelled} check. */
  public RecordingContext cancel() {
    cancelled = true;
    return this;
  }

  /** Model time the handler reported. */
  public Duration processing() {
    return processing;
  }

  /** {@link System#nanoTime} of the first emit, 0 before it (for latency benchmarks). */
  public long firstEmitNanos() {
    return firstEmitNanos;
  }

  /** {@link System#nanoTime} of the latest emit, 0 before the first. */
  public long lastEmitNanos() {
    return lastEmitNanos;
  }

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public int attempt() {
    return 1;
  }

  @Override
  public Optional<Instant> deadline() {
    return Optional.empty();
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void emit(StageOutput.Builder output) {
    long now = System.nanoTime();
    if (firstEmitNanos == 0) {
      firstEmitNanos = now;
    }
    lastEmitNanos = now;
    outputs.add(output.setRequestId(requestId).setSeq(outputs.size()).build());
  }

  @Override
  public synchronized void addProcessingTime(Duration duration) {
    processing = processing.plus(duration);
  }

  @Override
  public Duration queueTime() {
    return Duration.ZERO;
  }
}
