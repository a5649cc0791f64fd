package dev.assistant.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import dev.assistant.api.v1.Event;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Records a server stream of events and how it ended (OK or the gRPC status), so a test sees both
 * the events that arrived before an error and the error itself.
 */
final class EventRecorder implements StreamObserver<Event> {
  private final List<Event> events = new ArrayList<>();
  private final CompletableFuture<Status> end = new CompletableFuture<>();

  @Override
  public synchronized void onNext(Event event) {
    events.add(event);
    notifyAll();
  }

  @Override
  public synchronized void onError(Throwable t) {
    end.complete(Status.fromThrowable(t));
    notifyAll();
  }

  @Override
  public synchronized void onCompleted() {
    end.complete(Status.OK);
    notifyAll();
  }

  /** Waits for the end of the stream and returns its status. */
  Status awaitEnd(Duration timeout) throws Exception {
    try {
      return end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail("stream did not end within " + timeout + "; events so far: " + kinds());
    }
  }

  /** Waits until an event matching {@code wanted} has arrived (or the stream ended). */
  synchronized Event awaitEvent(Predicate<Event> wanted, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Event e : events) {
        if (wanted.test(e)) {
          return e;
        }
      }
      long left = deadline - System.nanoTime();
      if (end.isDone() || left <= 0) {
        return fail("no matching event (stream ended: " + end.isDone() + "): " + kinds());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** The payload kinds in arrival order, for failure messages. */
  synchronized List<String> kinds() {
    return events.stream().map(e -> e.getPayloadCase().name()).toList();
  }
}
