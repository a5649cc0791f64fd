package dev.assistant.llm.backend.config;

/** A model directory's configuration is missing, malformed or inconsistent. */
public class ModelConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelConfigException(String message) {
    super(message);
  }

  public ModelConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
