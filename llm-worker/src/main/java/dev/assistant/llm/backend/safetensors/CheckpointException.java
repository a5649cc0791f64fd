package dev.assistant.llm.backend.safetensors;

/** A checkpoint directory or file is malformed; the message says what and where. */
public class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
