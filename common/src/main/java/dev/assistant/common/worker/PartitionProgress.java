package dev.assistant.common.worker;

import java.util.ArrayDeque;
import java.util.Deque;

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
   * Advances over the done prefix.
   *
   * @return the next offset to commit (last done + 1), or -1 when nothing new is committable
   */
  long advance() {
    long before = committable;
    while (!entries.isEmpty() && entries.peekFirst().done) {
      committable = entries.pollFirst().offset + 1;
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
