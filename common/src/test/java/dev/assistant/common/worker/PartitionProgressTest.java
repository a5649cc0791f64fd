package dev.assistant.common.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PartitionProgressTest {
  @Test
  void commitsOnlyTheDonePrefix() {
    PartitionProgress p = new PartitionProgress();
    PartitionProgress.Entry a = p.track(10);
    PartitionProgress.Entry b = p.track(11);
    PartitionProgress.Entry c = p.track(12);
    assertEquals(-1, p.advance(), "nothing done yet");
    c.done = true;
    assertEquals(-1, p.advance(), "a later record must not commit past an unfinished one");
    a.done = true;
    assertEquals(11, p.advance());
    assertEquals(-1, p.advance(), "no news");
    b.done = true;
    assertEquals(13, p.advance(), "b and the already finished c");
    assertEquals(0, p.size());
    assertEquals(13, p.committable());
  }
}
