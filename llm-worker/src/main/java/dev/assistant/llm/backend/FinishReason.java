package dev.assistant.llm.backend;

/** Why generation stopped; {@link #wireName} is the public API's spelling. */
public enum FinishReason {
  /** A stop token (EOS or a configured one). */
  STOP("stop"),
  /** The maximum number of new tokens, or the context length. */
  LENGTH("length"),
  /** Cancelled, or the deadline passed. */
  CANCELLED("cancelled");

  private final String wireName;

  FinishReason(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
