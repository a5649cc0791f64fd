package dev.assistant.gateway.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Admission control: a request is admitted while this gateway's open calls are below the limit and
 * no stage is too far behind; otherwise RESOURCE_EXHAUSTED with a {@code retry-after-ms} trailer,
 * so load beyond capacity is pushed back to clients instead of queueing without bound.
 */
public final class Admission {
  private final int maxInflight;
  private final Supplier<Optional<String>> overloadedStage;
  private final Duration retryAfter;
  private final AtomicInteger inflight = new AtomicInteger();

  public Admission(
      int maxInflight, Supplier<Optional<String>> overloadedStage, Duration retryAfter) {
    this.maxInflight = maxInflight;
    this.overloadedStage = overloadedStage;
    this.retryAfter = retryAfter;
  }

  /** A held slot; closing it frees the slot (once). */
  public final class Ticket implements AutoCloseable {
    private final AtomicBoolean open = new AtomicBoolean(true);

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        inflight.decrementAndGet();
      }
    }
  }

  /** Admits a streaming call, holding a slot until the ticket is closed. */
  public Ticket admit() {
    check();
    if (inflight.incrementAndGet() > maxInflight) {
      inflight.decrementAndGet();
      throw refuse("gateway has " + maxInflight + " calls in flight");
    }
    return new Ticket();
  }

  /** Checks stage lag only (batch submissions hold no slot). */
  public void check() {
    Optional<String> overloaded = overloadedStage.get();
    if (overloaded.isPresent()) {
      throw refuse("overloaded: " + overloaded.get());
    }
  }

  public int inflight() {
    return inflight.get();
  }

  private StatusRuntimeException refuse(String why) {
    Metadata trailers = new Metadata();
    trailers.put(AssistantService.RETRY_AFTER_MS, Long.toString(retryAfter.toMillis()));
    return Status.RESOURCE_EXHAUSTED
        .withDescription(why + "; retry after " + retryAfter.toMillis() + " ms")
        .asRuntimeException(trailers);
  }
}
