package dev.assistant.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.ConverseRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TurnTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ConverseHeader AUDIO =
      ConverseHeader.newBuilder()
          .setAudioEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
          .setSampleRate(16_000)
          .setChannels(1)
          .build();

  private FakeAssistant api;
  private final AtomicLong clock = new AtomicLong();
  private final List<String> cancels = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    api = new FakeAssistant();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Turn turn(ConverseHeader header) {
    return Turn.start("t-1", api.stub(), header, clock::get, cancels::add);
  }

  /** Every item up to and including the end of the call. */
  private List<Turn.Item> drain(Turn turn) throws InterruptedException {
    List<Turn.Item> items = new ArrayList<>();
    while (true) {
      Turn.Item item = turn.next(WAIT);
      if (item == null) {
        throw new AssertionError("no end after " + items);
      }
      items.add(item);
      turn.sent(item);
      if (item instanceof Turn.EndItem) {
        return items;
      }
    }
  }

  @Test
  void audioTurnSendsHeaderChunksAndEndInOrderAndStreamsEventsToTheEnd() throws Exception {
    Turn turn = turn(AUDIO);
    turn.audio(0, new byte[] {1, 0, 2, 0});
    turn.audio(1, new byte[] {3, 0});
    turn.endAudio();
    List<Turn.Item> items = drain(turn);

    List<ConverseRequest.PartCase> parts =
        api.received.stream().map(ConverseRequest::getPartCase).toList();
    assertEquals(
        List.of(
            ConverseRequest.PartCase.HEADER,
            ConverseRequest.PartCase.AUDIO,
            ConverseRequest.PartCase.AUDIO,
            ConverseRequest.PartCase.END),
        parts);
    assertEquals(3, api.received.get(2).getAudio().getData().byteAt(0));
    assertEquals(4, items.size(), "accepted, delta, completed, end: " + items);
    assertTrue(((Turn.EventItem) items.get(0)).event().hasAccepted());
    Turn.EndItem end = assertInstanceOf(Turn.EndItem.class, items.get(3));
    assertTrue(end.status().isOk());
    assertTrue(end.terminalSent(), "completed came before the end");
    assertEquals("req-1", turn.requestId().orElseThrow());
    assertTrue(turn.delivered());
  }

  @Test
  void chunksOutOfOrderAreRefusedAndLoseNothing() throws Exception {
    Turn turn = turn(AUDIO);
    HttpError e = assertThrows(HttpError.class, () -> turn.audio(1, new byte[2]));
    assertEquals(409, e.status());
    assertTrue(e.getMessage().contains("expected 0"), e.getMessage());
    turn.audio(0, new byte[] {7, 0});
    turn.audio(1, new byte[] {8, 0});
    turn.endAudio();
    drain(turn);
    assertEquals(
        List.of(7, 8),
        api.received.stream()
            .filter(ConverseRequest::hasAudio)
            .map(r -> (int) r.getAudio().getData().byteAt(0))
            .toList());
  }

  @Test
  void halfSamplesAndAudioAfterTheEndAreRefused() throws Exception {
    Turn turn = turn(AUDIO);
    assertEquals(400, assertThrows(HttpError.class, () -> turn.audio(0, new byte[3])).status());
    turn.audio(0, new byte[2]);
    turn.endAudio();
    assertEquals(409, assertThrows(HttpError.class, () -> turn.audio(1, new byte[2])).status());
  }

  @Test
  void textTurnNeedsNoEndAndTakesNoAudio() throws Exception {
    Turn turn = turn(ConverseHeader.newBuilder().setPrompt("hi").setNoAudio(true).build());
    assertEquals(409, assertThrows(HttpError.class, () -> turn.audio(0, new byte[2])).status());
    List<Turn.Item> items = drain(turn);
    assertTrue(((Turn.EndItem) items.get(items.size() - 1)).status().isOk());
    assertTrue(api.callEnded.await(10, TimeUnit.SECONDS), "our side of the call was closed");
  }

  @Test
  void cancelBeforeAcceptanceIsSentOnceTheRequestIdIsKnown() throws Exception {
    Turn turn = turn(AUDIO);
    assertTrue(turn.cancel().isEmpty(), "not accepted before audio");
    turn.audio(0, new byte[2]); // the fake accepts on the first audio
    Turn.Item first = turn.next(WAIT);
    assertTrue(((Turn.EventItem) first).event().hasAccepted());
    assertEquals(List.of("req-1"), cancels);
    assertEquals("req-1", turn.cancel().orElseThrow(), "known now: the caller sends Cancel");
  }

  @Test
  void refusedHeaderEndsWithTheStatusAndNoTerminalEvent() throws Exception {
    api.refuseHeader = Status.INVALID_ARGUMENT.withDescription("image: not a PNG");
    Turn turn = turn(AUDIO);
    List<Turn.Item> items = drain(turn);
    Turn.EndItem end = (Turn.EndItem) items.get(items.size() - 1);
    assertEquals(Status.Code.INVALID_ARGUMENT, end.status().getCode());
    assertEquals("image: not a PNG", end.status().getDescription());
    assertFalse(end.terminalSent());
  }

  @Test
  void eventsArePulledNoFasterThanThePageReadsThem() throws Exception {
    api.extraEvents = 200;
    Turn turn = turn(AUDIO);
    turn.audio(0, new byte[2]);
    // Without reading, only the window arrives.
    List<Turn.Item> unread = new ArrayList<>();
    Turn.Item item;
    while ((item = turn.next(Duration.ofMillis(300))) != null) {
      unread.add(item);
    }
    assertEquals(Turn.WINDOW, unread.size(), "events held back by flow control");
    for (Turn.Item i : unread) {
      turn.sent(i);
    }
    turn.endAudio();
    List<Turn.Item> rest = drain(turn);
    assertEquals(1 + 200 + 2 + 1, unread.size() + rest.size(), "every event, then the end");
  }

  @Test
  void unreadTurnIsIdleAfterTheTimeoutAndAbandoningCancelsTheCallAndTheRequest() throws Exception {
    Duration idle = Duration.ofSeconds(60);
    Turn turn = turn(AUDIO);
    turn.audio(0, new byte[2]);
    assertTrue(((Turn.EventItem) turn.next(WAIT)).event().hasAccepted());
    clock.addAndGet(Duration.ofSeconds(59).toNanos());
    assertFalse(turn.idle(idle));
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    assertTrue(turn.idle(idle), "nobody read or posted for 61 s");

    turn.abandon("gone", true);
    assertTrue(api.callEnded.await(10, TimeUnit.SECONDS));
    assertEquals(Status.Code.CANCELLED, Status.fromThrowable(api.clientError).getCode());
    assertEquals(List.of("req-1"), cancels, "the running request is cancelled too");
  }

  @Test
  void readTurnIsIdleOnlyWhenItsRecordingStalls() throws Exception {
    Duration idle = Duration.ofSeconds(60);
    Turn turn = turn(AUDIO);
    assertTrue(turn.attachReader());
    assertFalse(turn.attachReader(), "one reader at a time");
    clock.addAndGet(Duration.ofSeconds(30).toNanos());
    turn.audio(0, new byte[2]);
    clock.addAndGet(Duration.ofSeconds(59).toNanos());
    assertFalse(turn.idle(idle), "audio came 59 s ago");
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    assertTrue(turn.idle(idle), "a recording that stopped sending for 61 s");
    turn.endAudio();
    assertFalse(turn.idle(idle), "ended audio and a reader: looked after");
  }
}
