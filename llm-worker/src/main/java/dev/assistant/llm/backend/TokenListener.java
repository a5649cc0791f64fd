package dev.assistant.llm.backend;

/**
 * Receives generated text as it is produced. Called on the model's scheduler thread: keep it short
 * (hand the text to a queue) and never block.
 */
@FunctionalInterface
public interface TokenListener {
  /**
   * @param text whole UTF-8 characters to append (never empty)
   * @param tokenCount generated tokens this text completes (at least 1)
   */
  void onText(String text, int tokenCount);
}
