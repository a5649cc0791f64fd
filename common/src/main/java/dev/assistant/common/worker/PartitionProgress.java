package dev.assistant.common.worker;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Offsets of one partition that were fetched but not yet committed, in order. An offset becomes
 * committable once it and every earlier offset are done, so a slow request never lets a later one's
 * commit skip past it: if the worker dies, everything after the first unfinished record is redone
 * by the next owner.
 */
final class PartitionProgress {
  /** One fetched record. */
  static final class Entry {
    final long offset;
    volatile boolean done;

    /** Records to write in the transaction that commits this offset (loop thread only). */
    List<ProducerRecord<String, byte[]>> deferred = List.of();

    Entry(long offset) {
      this.offset = offset;
    }
  }

  private final Deque<Entry> entries = new ArrayDeque<>();
  private long committable = -1;

  Entry track(long offset) {
    Entry e = new Entry(offset);
    entries.addLast(e);
    return e;
  }

  /**
   * Advances over the done prefix, handing the deferred records of each entry passed to {@code
   * writer} (they must go into the transaction that commits the returned offset).
   *
   * @return the next offset to commit (last done + 1), or -1 when nothing new is committable
   */
  long advance(Consumer<List<ProducerRecord<String, byte[]>>> writer) {
    long before = committable;
    while (!entries.isEmpty() && entries.peekFirst().done) {
      Entry e = entries.pollFirst();
      if (!e.deferred.isEmpty()) {
        writer.accept(e.deferred);
      }
      committable = e.offset + 1;
    }
    return committable != before ? committable : -1;
  }

  /** Offset to commit, or -1 when nothing was ever done. */
  long committable() {
    return committable;
  }

  int size() {
    return entries.size();
  }
}
