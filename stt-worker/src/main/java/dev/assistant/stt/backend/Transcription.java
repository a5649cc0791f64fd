package dev.assistant.stt.backend;

import java.util.List;

/**
 * A transcript, partial or complete.
 *
 * @param segments recognized segments in time order
 * @param language the requested language, the detected one, or "" when detection was impossible
 * @param audioSeconds seconds of audio covered by the segments so far
 * @param complete false for partial results and for a transcription stopped by cancellation
 */
public record Transcription(
    List<TranscriptSegment> segments, String language, double audioSeconds, boolean complete) {

  public Transcription {
    segments = List.copyOf(segments);
  }

  /** The text of all segments, trimmed and joined with single spaces where needed. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    for (TranscriptSegment s : segments) {
      String t = s.text().strip();
      if (t.isEmpty()) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(t);
    }
    return sb.toString();
  }
}
