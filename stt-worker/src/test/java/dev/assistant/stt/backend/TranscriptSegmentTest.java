package dev.assistant.stt.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TranscriptSegmentTest {
  @Test
  void negativeTimesFromTheRecognizerAreClampedToTheWindowStart() {
    TranscriptSegment s = TranscriptSegment.inWindow(5000, 5000, -1340, -20, " hi");
    assertEquals(new TranscriptSegment(5000, 5000, " hi"), s);
  }

  @Test
  void timesPastTheWindowEndAtTheWindowEnd() {
    TranscriptSegment s = TranscriptSegment.inWindow(0, 3000, 2500, 99_999_990, "x");
    assertEquals(new TranscriptSegment(2500, 3000, "x"), s);
  }

  @Test
  void anEndBeforeTheStartBecomesAnEmptySpanAtTheStart() {
    TranscriptSegment s = TranscriptSegment.inWindow(1000, 5000, 400, 100, null);
    assertEquals(new TranscriptSegment(1400, 1400, ""), s);
  }

  @Test
  void timesInsideTheWindowAreKept() {
    TranscriptSegment s = TranscriptSegment.inWindow(10_000, 5000, 120, 4880, "ok");
    assertEquals(new TranscriptSegment(10_120, 14_880, "ok"), s);
  }
}
