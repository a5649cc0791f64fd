package dev.assistant.gateway.openai;

import java.util.List;

/**
 * Applies OpenAI's {@code stop} strings to a streamed answer. Text that could still be the start of
 * a stop string is held back until the next delta decides, so a stop string split across tokens is
 * never half sent.
 */
final class StopScanner {
  private final List<String> stops;
  private final StringBuilder all = new StringBuilder();
  private int released;
  private boolean stopped;

  StopScanner(List<String> stops) {
    this.stops = List.copyOf(stops);
  }

  /**
   * Adds a delta.
   *
   * @return the text that may now be sent (possibly empty)
   */
  String append(String delta) {
    if (stopped) {
      return "";
    }
    all.append(delta);
    int cut = -1;
    for (String s : stops) {
      int at = all.indexOf(s, Math.max(0, released - s.length() + 1));
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
      }
    }
    if (cut >= 0) {
      stopped = true;
      all.setLength(cut);
      return release(cut);
    }
    return release(all.length() - heldBack());
  }

  /** Length of the longest tail of the text that is a proper prefix of some stop string. */
  private int heldBack() {
    int held = 0;
    for (String s : stops) {
      for (int k = Math.min(s.length() - 1, all.length() - released); k > held; k--) {
        if (s.startsWith(all.substring(all.length() - k))) {
          held = k;
          break;
        }
      }
    }
    return held;
  }

  private String release(int upTo) {
    if (upTo <= released) {
      return "";
    }
    String out = all.substring(released, upTo);
    released = upTo;
    return out;
  }

  /** At the end of the answer: what was held back (no stop string can complete any more). */
  String flush() {
    return stopped ? "" : release(all.length());
  }

  boolean stopped() {
    return stopped;
  }

  /** The answer so far, cut at the stop string when one appeared. */
  String text() {
    return all.toString();
  }
}
