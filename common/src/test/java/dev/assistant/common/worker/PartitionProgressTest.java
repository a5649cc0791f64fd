package dev.assistant.common.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {
  private final List<ProducerRecord<String, byte[]>> written = new ArrayList<>();

  private long advance(PartitionProgress p) {
    return p.advance(written::addAll);
  }

  @Test
  void commitsOnlyTheDonePrefix() {
    PartitionProgress p = new PartitionProgress();
    PartitionProgress.Entry a = p.track(10);
    PartitionProgress.Entry b = p.track(11);
    PartitionProgress.Entry c = p.track(12);
    assertEquals(-1, advance(p), "nothing done yet");
    c.done = true;
    assertEquals(-1, advance(p), "a later record must not commit past an unfinished one");
    a.done = true;
    assertEquals(11, advance(p));
    assertEquals(-1, advance(p), "no news");
    b.done = true;
    assertEquals(13, advance(p), "b and the already finished c");
    assertEquals(0, p.size());
    assertEquals(13, p.committable());
  }

  @Test
  void deferredRecordsAreWrittenOnlyWhenTheirOffsetBecomesCommittable() {
    PartitionProgress p = new PartitionProgress();
    PartitionProgress.Entry slow = p.track(20);
    PartitionProgress.Entry invalid = p.track(21);
    ProducerRecord<String, byte[]> deadLetter = new ProducerRecord<>("dlq", "r21", new byte[0]);
    invalid.deferred = List.of(deadLetter);
    invalid.done = true;
    assertEquals(-1, advance(p));
    assertTrue(written.isEmpty(), "not while an earlier offset holds the commit back");
    slow.done = true;
    assertEquals(22, advance(p));
    assertEquals(List.of(deadLetter), written);
  }
}
