package dev.assistant.llm.backend;

/**
 * A model that answers a text prompt, optionally about an image, streaming its answer.
 *
 * <p>Thread-safety: implementations are thread-safe; concurrent {@link #generate} calls share the
 * model (and, for batching implementations, decode steps).
 */
public interface VisionLanguageModel extends AutoCloseable {

  /**
   * Generates an answer, calling {@code listener} with text deltas as tokens are produced, and
   * blocks until generation ends.
   *
   * @throws InvalidRequestException for input that can never succeed
   */
  GenerationResult generate(GenerationRequest request, TokenListener listener)
      throws InterruptedException;

  /** A short description for logs: architecture, size, weight format, device. */
  String describe();

  @Override
  void close();
}
