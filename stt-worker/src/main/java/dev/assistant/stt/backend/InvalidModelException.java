package dev.assistant.stt.backend;

import java.io.IOException;

/** A model file that must not be given to native code: wrong format, inconsistent or truncated. */
public class InvalidModelException extends IOException {
  private static final long serialVersionUID = 1L;

  public InvalidModelException(String message) {
    super(message);
  }
}
