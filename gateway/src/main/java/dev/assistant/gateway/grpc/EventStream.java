package dev.assistant.gateway.grpc;

import dev.assistant.api.v1.Event;
import dev.assistant.gateway.kafka.ReplyListener;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;

/**
 * Delivers one request's events to one gRPC call: in sequence order, each once, respecting the
 * client's flow control. Events wait in a bounded buffer while the client is not ready; a client
 * that falls too far behind is cut off with RESOURCE_EXHAUSTED rather than letting the gateway's
 * memory grow. The terminal event (completed or error) ends the call.
 */
final class EventStream implements ReplyListener.EventListener {
  private static final dev.assistant.gateway.GatewayMetrics METRICS =
      dev.assistant.gateway.GatewayMetrics.get();
  private final ServerCallStreamObserver<Event> observer;
  private final int maxBuffered;
  private final ArrayDeque<Event> buffer = new ArrayDeque<>();
  private volatile Runnable onFinish;
  private long lastSequence;
  private boolean finished;

  EventStream(
      ServerCallStreamObserver<Event> observer,
      long fromSequence,
      int maxBuffered,
      Runnable onFinish) {
    this.observer = observer;
    this.lastSequence = Math.max(0, fromSequence - 1);
    this.maxBuffered = maxBuffered;
    this.onFinish = onFinish;
  }

  /** Replaces what runs once the call ends (set before events can arrive). */
  void onFinish(Runnable action) {
    this.onFinish = action;
  }

  @Override
  public synchronized void onEvent(Event event) {
    if (finished || event.getSequence() == 0 || event.getSequence() <= lastSequence) {
      return; // a duplicate notice or a replayed event this call already has
    }
    lastSequence = event.getSequence();
    buffer.add(event);
    if (buffer.size() > maxBuffered) {
      finish(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "client is not reading events fast enough; resume with Watch"));
      return;
    }
    drain();
  }

  /** Sends an event produced by the gateway itself (not numbered by the coordinator). */
  synchronized void failNow(Status status) {
    finish(status);
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
