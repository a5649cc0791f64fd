package dev.assistant.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopScannerTest {
  @Test
  void aStopStringSplitAcrossDeltasIsNeverSentAndCutsTheAnswer() {
    StopScanner s = new StopScanner(List.of("END"));
    assertEquals("Hello ", s.append("Hello E"));
    assertEquals("", s.append("N"));
    assertEquals("", s.append("D and more"));
    assertTrue(s.stopped());
    assertEquals("Hello ", s.text());
  }

  @Test
  void heldBackTextIsReleasedWhenItTurnsOutNotToBeAStop() {
    StopScanner s = new StopScanner(List.of("END", "\n\n"));
    assertEquals("a", s.append("aE"));
    assertEquals("Ex", s.append("x"));
    assertEquals("", s.append("\n"));
    assertEquals("\n", s.flush());
    assertFalse(s.stopped());
    assertEquals("aEx\n", s.text());
  }

  @Test
  void withoutStopsEverythingPassesAtOnce() {
    StopScanner s = new StopScanner(List.of());
    assertEquals("abc", s.append("abc"));
    assertEquals("", s.flush());
  }
}
