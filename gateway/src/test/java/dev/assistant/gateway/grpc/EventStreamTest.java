package dev.assistant.gateway.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.api.v1.AnswerDelta;
import dev.assistant.api.v1.Completed;
import dev.assistant.api.v1.Event;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Gap-free, duplicate-free delivery of one request's events to one call. */
class EventStreamTest {
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final List<Long> rereads = new CopyOnWriteArrayList<>();
  private final RecordingObserver observer = new RecordingObserver();

  @AfterEach
  void tearDown() {
    timers.shutdownNow();
  }

  private EventStream stream(long from, int maxBuffered, Duration gapRepairAfter) {
    return new EventStream(
        observer,
        from,
        maxBuffered,
        new EventStream.GapRepair(timers, gapRepairAfter, rereads::add),
        () -> {});
  }

  private static Event delta(long seq) {
    return Event.newBuilder()
        .setRequestId("r")
        .setSequence(seq)
        .setAnswerDelta(AnswerDelta.newBuilder().setText("t" + seq))
        .build();
  }

  private static Event completed(long seq) {
    return Event.newBuilder()
        .setRequestId("r")
        .setSequence(seq)
        .setCompleted(Completed.getDefaultInstance())
        .build();
  }

  private List<Long> delivered() {
    return observer.events.stream().map(Event::getSequence).toList();
  }

  @Test
  void liveEventsThatOvertakeTheReplayWaitForTheGapToFill() {
    EventStream s = stream(1, 100, Duration.ofMinutes(1));
    // A Watch from 1 on the gateway that owns the request: live events arrive before the replay.
    s.onEvent(delta(27));
    s.onEvent(completed(28));
    assertTrue(observer.events.isEmpty(), "nothing is delivered across a gap");
    assertFalse(observer.closed());
    for (long seq = 1; seq <= 26; seq++) {
      s.onEvent(delta(seq));
    }
    s.onEvent(delta(27)); // the replay repeats what was held
    s.onEvent(completed(28));
    List<Long> expected = new ArrayList<>();
    for (long seq = 1; seq <= 28; seq++) {
      expected.add(seq);
    }
    assertEquals(expected, delivered());
    assertTrue(observer.completed);
  }

  @Test
  void duplicatesAreDeliveredOnce() {
    EventStream s = stream(1, 100, Duration.ofMinutes(1));
    s.onEvent(delta(1));
    s.onEvent(delta(2));
    s.onEvent(delta(1));
    s.onEvent(delta(2));
    s.onEvent(delta(3));
    assertEquals(List.of(1L, 2L, 3L), delivered());
  }

  @Test
  void aGapThatStaysOpenIsReadAgainFromItsFirstMissingSequence() throws Exception {
    EventStream s = stream(1, 100, Duration.ofMillis(50));
    s.onEvent(delta(1));
    s.onEvent(delta(3));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (rereads.isEmpty() && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertEquals(2L, rereads.get(0));
    s.onEvent(delta(2));
    assertEquals(List.of(1L, 2L, 3L), delivered());
    int asked = rereads.size();
    Thread.sleep(200);
    assertEquals(asked, rereads.size(), "no re-read once the gap is closed");
  }

  @Test
  void aWatchPastTheEndOfAFinishedRequestEndsWhenItsTerminalEventGoesBy() {
    EventStream s = stream(40, 100, Duration.ofMinutes(1));
    s.onEvent(delta(30));
    assertFalse(observer.closed());
    s.onEvent(completed(31));
    assertTrue(observer.completed, "the request ended before the requested sequence");
    assertTrue(observer.events.isEmpty());
  }

  @Test
  void heldEventsCountAgainstTheBufferLimit() {
    EventStream s = stream(1, 4, Duration.ofMinutes(1));
    for (long seq = 2; seq <= 6; seq++) {
      s.onEvent(delta(seq));
    }
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, Status.fromThrowable(observer.error).getCode());
  }

  @Test
  void completeNowEndsTheCallWithoutEvents() {
    EventStream s = stream(5, 100, Duration.ofMinutes(1));
    s.completeNow();
    assertTrue(observer.completed);
    assertNull(observer.error);
    s.onEvent(delta(5));
    assertTrue(observer.events.isEmpty());
  }

  /** A client that is always ready and records what it receives. */
  private static final class RecordingObserver extends ServerCallStreamObserver<Event> {
    final List<Event> events = new ArrayList<>();
    boolean completed;
    Throwable error;

    boolean closed() {
      return completed || error != null;
    }

    @Override
    public void onNext(Event value) {
      events.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void setOnCancelHandler(Runnable onCancelHandler) {}

    @Override
    public void setCompression(String compression) {}

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setOnReadyHandler(Runnable onReadyHandler) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}
  }
}
