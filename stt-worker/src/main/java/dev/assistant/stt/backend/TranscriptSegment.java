package dev.assistant.stt.backend;

/** A span of recognized speech, with times from the start of the audio. */
public record TranscriptSegment(long startMillis, long endMillis, String text) {
  public TranscriptSegment {
    if (startMillis < 0 || endMillis < startMillis || text == null) {
      throw new IllegalArgumentException(
          "bad segment [" + startMillis + ", " + endMillis + "] " + text);
    }
  }

  /**
   * A segment from times whisper.cpp reported within one decoding window. Those times are not
   * trusted: a model fed extreme (though finite) audio can report negative times or times past the
   * window, and that is the recognizer's doing, not the client's. They are clamped into the window,
   * and the end is kept at or after the start.
   *
   * @param windowStartMillis where the window starts in the whole audio
   * @param windowMillis the window's length
   */
  public static TranscriptSegment inWindow(
      long windowStartMillis, long windowMillis, long t0Millis, long t1Millis, String text) {
    long start = Math.max(0, Math.min(t0Millis, windowMillis));
    long end = Math.max(start, Math.min(t1Millis, windowMillis));
    return new TranscriptSegment(
        windowStartMillis + start, windowStartMillis + end, text == null ? "" : text);
  }
}
