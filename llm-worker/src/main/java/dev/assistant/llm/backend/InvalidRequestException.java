package dev.assistant.llm.backend;

/**
 * A request that can never succeed: an undecodable or oversized image, a prompt longer than the
 * context, a misplaced image placeholder. Retrying does not help.
 */
public class InvalidRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }

  public InvalidRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
