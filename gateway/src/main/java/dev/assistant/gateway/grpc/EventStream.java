package dev.assistant.gateway.grpc;

import dev.assistant.api.v1.Event;
import dev.assistant.gateway.kafka.ReplyListener;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Delivers one request's events to one gRPC call: gap-free in sequence order, each once, respecting
 * the client's flow control. An event that arrives ahead of the next expected sequence number (live
 * events can overtake the replay a Watch asked for) waits until the gap is filled; a gap that stays
 * open is re-read from the coordinator. Events wait in a bounded buffer while the client is not
 * ready; a client that falls too far behind is cut off with RESOURCE_EXHAUSTED rather than letting
 * the gateway's memory grow. The terminal event (completed or error) ends the call.
 */
final class EventStream implements ReplyListener.EventListener {
  private static final dev.assistant.gateway.GatewayMetrics METRICS =
      dev.assistant.gateway.GatewayMetrics.get();
  private final ServerCallStreamObserver<Event> observer;
  private final int maxBuffered;
  private final ArrayDeque<Event> buffer = new ArrayDeque<>();
  private final TreeMap<Long, Event> ahead = new TreeMap<>();
  private final GapRepair repair;
  private volatile Runnable onFinish;
  private long next;
  private boolean finished;
  private ScheduledFuture<?> gapCheck;

  /**
   * How a stream asks for missing events again.
   *
   * @param timers where the gap check runs
   * @param after how long a gap may stay open before the events are re-read
   * @param rereadFrom asks the coordinator to send the request's events again from a sequence
   */
  record GapRepair(ScheduledExecutorService timers, Duration after, LongConsumer rereadFrom) {}

  EventStream(
      ServerCallStreamObserver<Event> observer,
      long fromSequence,
      int maxBuffered,
      GapRepair repair,
      Runnable onFinish) {
    this.observer = observer;
    this.next = Math.max(1, fromSequence);
    this.maxBuffered = maxBuffered;
    this.repair = repair;
    this.onFinish = onFinish;
  }

  /** Replaces what runs once the call ends (set before events can arrive). */
  void onFinish(Runnable action) {
    this.onFinish = action;
  }

  @Override
  public synchronized void onEvent(Event event) {
    long seq = event.getSequence();
    if (finished || seq == 0) {
      return; // a duplicate notice, or the call is over
    }
    if (seq < next) {
      if (isTerminal(event)) {
        // The request ended before the first sequence this call asked for: nothing will follow.
        finish(null);
      }
      return; // a replayed event this call already has
    }
    if (seq > next) {
      ahead.putIfAbsent(seq, event);
      if (ahead.size() + buffer.size() > maxBuffered) {
        finish(tooSlow());
      } else {
        watchGap();
      }
      return;
    }
    enqueue(event);
    Event following;
    while (!finished && (following = ahead.remove(next)) != null) {
      enqueue(following);
    }
    if (ahead.isEmpty()) {
      cancelGapCheck();
    }
    if (buffer.size() > maxBuffered) {
      finish(tooSlow());
      return;
    }
    drain();
  }

  private void enqueue(Event event) {
    buffer.add(event);
    next = event.getSequence() + 1;
  }

  private static Status tooSlow() {
    return Status.RESOURCE_EXHAUSTED.withDescription(
        "client is not reading events fast enough; resume with Watch");
  }

  private static boolean isTerminal(Event e) {
    return e.hasCompleted() || e.hasError();
  }

  /** Re-reads from the first missing sequence if the gap is still open after a while. */
  private void watchGap() {
    if (gapCheck != null || repair == null) {
      return;
    }
    long missing = next;
    gapCheck =
        repair
            .timers()
            .schedule(() -> checkGap(missing), repair.after().toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void checkGap(long missingBefore) {
    gapCheck = null;
    if (finished || ahead.isEmpty()) {
      return;
    }
    if (next == missingBefore) {
      METRICS.eventGapsRepaired.inc();
      repair.rereadFrom().accept(next);
    }
    watchGap();
  }

  private void cancelGapCheck() {
    if (gapCheck != null) {
      gapCheck.cancel(false);
      gapCheck = null;
    }
  }

  /** The sequence number this call delivers next. */
  synchronized long nextSequence() {
    return next;
  }

  /** Ends the call with a status produced by the gateway itself (not an event). */
  synchronized void failNow(Status status) {
    finish(status);
  }

  /** Ends the call successfully without further events. */
  synchronized void completeNow() {
    finish(null);
  }

  /** Sends buffered events while the client is ready; the call's on-ready handler. */
  synchronized void drain() {
    while (!finished && !buffer.isEmpty() && observer.isReady() && !observer.isCancelled()) {
      Event e = buffer.poll();
      observer.onNext(e);
      METRICS.eventsDelivered.inc();
      if (e.hasCompleted()) {
        finish(null);
      } else if (e.hasError()) {
        finish(
            Status.fromCodeValue(e.getError().getCode())
                .withDescription(e.getError().getMessage()));
      }
    }
  }

  private void finish(Status error) {
    if (finished) {
      return;
    }
    finished = true;
    buffer.clear();
    ahead.clear();
    cancelGapCheck();
    try {
      if (!observer.isCancelled()) {
        if (error == null) {
          observer.onCompleted();
        } else {
          observer.onError(error.asRuntimeException());
        }
      }
    } catch (IllegalStateException alreadyClosed) {
      // the call ended concurrently (client cancel); nothing left to tell it
    } finally {
      onFinish.run();
    }
  }
}
