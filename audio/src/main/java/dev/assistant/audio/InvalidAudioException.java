package dev.assistant.audio;

/**
 * Audio that cannot be decoded: corrupt, truncated, in an unsupported format, or beyond a
 * configured limit. The message says which, in words a client can act on.
 */
public class InvalidAudioException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidAudioException(String message) {
    super(message);
  }

  public InvalidAudioException(String message, Throwable cause) {
    super(message, cause);
  }
}
