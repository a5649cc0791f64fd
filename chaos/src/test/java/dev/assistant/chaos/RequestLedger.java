package dev.assistant.chaos;

import dev.assistant.api.v1.Event;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What clients actually received, per request, across every stream they read it from (the first
 * call and each Watch that resumed it). The checks are on these counts: one terminal event, a
 * sequence 1..n without a gap or a duplicate, and the outcome the input deserves.
 */
final class RequestLedger {
  /** How a request entered and what its outcome should be. */
  enum Kind {
    SUBMIT_TEXT,
    SUBMIT_SPEECH,
    CONVERSE,
    INVALID_AUDIO,
    INVALID_IMAGE,
    INVALID_VOICE;

    /** Inputs only a worker can find wrong: dead-lettered once, ended with INVALID_ARGUMENT. */
    boolean invalid() {
      return this == INVALID_AUDIO || this == INVALID_IMAGE;
    }

    /** Inputs the gateway refuses before anything is published (the catalog knows the voices). */
    boolean refusedAtTheDoor() {
      return this == INVALID_VOICE;
    }
  }

  /** One request as its client saw it. */
  static final class Entry {
    final String id;
    final Kind kind;
    final long startedNanos = System.nanoTime();
    private final List<Long> sequences = new ArrayList<>();
    private int terminals;
    private Event terminal;
    private long finishedNanos;
    private int streams;

    Entry(String id, Kind kind) {
      this.id = id;
      this.kind = kind;
    }

    synchronized void record(Event e) {
      sequences.add(e.getSequence());
      if (e.hasCompleted() || e.hasError()) {
        terminals++;
        if (terminal == null) {
          terminal = e;
          finishedNanos = System.nanoTime();
        }
      }
    }

    /** The gateway (its index) whose stream reads this request now. */
    volatile int gateway = -1;

    /** A new stream (call or Watch) on a gateway starts reading this request. */
    synchronized void streamOpened(int gatewayIndex) {
      streams++;
      gateway = gatewayIndex;
    }

    synchronized long lastSequence() {
      return sequences.isEmpty() ? 0 : sequences.get(sequences.size() - 1);
    }

    synchronized boolean finished() {
      return terminal != null;
    }

    synchronized long finishedNanos() {
      return finishedNanos;
    }

    synchronized int streams() {
      return streams;
    }

    /** Everything wrong with what the client received, or an empty list. */
    synchronized List<String> problems() {
      List<String> p = new ArrayList<>();
      if (kind.refusedAtTheDoor()) {
        p.add("accepted, although the gateway should have refused it at once");
      }
      if (terminal == null) {
        p.add("no terminal event (last sequence " + lastSequence() + ")");
        return p;
      }
      if (terminals != 1) {
        p.add(terminals + " terminal events");
      }
      for (int i = 0; i < sequences.size(); i++) {
        if (sequences.get(i) != i + 1) {
          p.add("sequences not 1..n without gaps or duplicates: " + sequences);
          break;
        }
      }
      if (kind.invalid()) {
        if (!terminal.hasError()
            || terminal.getError().getCode() != Status.Code.INVALID_ARGUMENT.value()) {
          p.add("invalid input did not end with INVALID_ARGUMENT: " + describe(terminal));
        }
      } else if (!terminal.hasCompleted()) {
        p.add("did not complete: " + describe(terminal));
      }
      return p;
    }
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();

  Entry open(String id, Kind kind) {
    Entry e = new Entry(id, kind);
    Entry previous = entries.putIfAbsent(id, e);
    return previous != null ? previous : e;
  }

  /** A call the system refused or broke before it told the request ID: a clear status, no id. */
  void refused(Status.Code code) {
    refused(code.name());
  }

  /** A refusal under its own name (one the test expects, such as a bad option). */
  void refused(String what) {
    refusals.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
  }

  Collection<Entry> entries() {
    return entries.values();
  }

  Entry get(String id) {
    return entries.get(id);
  }

  Map<String, AtomicInteger> refusals() {
    return refusals;
  }

  long unfinished() {
    return entries.values().stream().filter(e -> !e.finished()).count();
  }

  static String describe(Event e) {
    if (e.hasError()) {
      return Status.fromCodeValue(e.getError().getCode()).getCode()
          + " at "
          + e.getError().getStage()
          + ": "
          + e.getError().getMessage();
    }
    return e.hasCompleted() ? "completed" : e.getPayloadCase().name();
  }
}
