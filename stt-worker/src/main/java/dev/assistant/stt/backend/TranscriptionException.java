package dev.assistant.stt.backend;

/** The recognizer failed on valid input (a native error code); retrying may succeed. */
public class TranscriptionException extends Exception {
  private static final long serialVersionUID = 1L;

  public TranscriptionException(String message) {
    super(message);
  }
}
