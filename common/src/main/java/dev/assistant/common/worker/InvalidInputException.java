package dev.assistant.common.worker;

/**
 * Input that can never be processed (corrupt audio, oversized image, bad options). The worker
 * dead-letters the record at once, without retries, and reports INVALID_ARGUMENT to the client.
 */
public class InvalidInputException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
