package dev.assistant.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.api.v1.ConverseHeader;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TurnRegistryTest {
  private static final ConverseHeader TEXT =
      ConverseHeader.newBuilder().setPrompt("hi").setNoAudio(true).build();

  @Test
  void refusesTurnsBeyondTheLimitAndForgetsDeliveredAndIdleOnes() throws Exception {
    AtomicLong clock = new AtomicLong();
    try (FakeAssistant api = new FakeAssistant()) {
      TurnRegistry turns =
          new TurnRegistry(api.stub(), 2, Duration.ofSeconds(10), clock::get, id -> {});
      Turn a = turns.start(TEXT);
      turns.start(TEXT);
      HttpError full = assertThrows(HttpError.class, () -> turns.start(TEXT));
      assertEquals(429, full.status());

      Turn.Item item;
      do {
        item = a.next(Duration.ofSeconds(30));
        assertTrue(item != null, "the turn's events arrive");
        a.sent(item);
      } while (!(item instanceof Turn.EndItem));
      turns.sweep();
      assertEquals(1, turns.size(), "the delivered turn is forgotten");
      assertEquals(404, assertThrows(HttpError.class, () -> turns.get(a.id())).status());

      clock.addAndGet(Duration.ofSeconds(11).toNanos());
      turns.sweep();
      assertEquals(0, turns.size(), "the unread one is dropped after the idle timeout");
      assertTrue(turns.start(TEXT).id().length() == 36);
    }
  }
}
