package dev.assistant.tts.backend;

/** The requested voice, language or speaker does not exist: retrying cannot help. */
public class VoiceNotAvailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public VoiceNotAvailableException(String message) {
    super(message);
  }
}
