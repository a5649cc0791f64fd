package dev.assistant.stt.backend;

/** A span of recognized speech, with times from the start of the audio. */
public record TranscriptSegment(long startMillis, long endMillis, String text) {
  public TranscriptSegment {
    if (startMillis < 0 || endMillis < startMillis || text == null) {
      throw new IllegalArgumentException(
          "bad segment [" + startMillis + ", " + endMillis + "] " + text);
    }
  }
}
