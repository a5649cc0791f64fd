package dev.assistant.llm.backend;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One generation: the user's text, an optional image (PNG/JPEG/WebP bytes), earlier turns, a system
 * prompt override and sampling options.
 *
 * @param systemPrompt empty for the chat template's default
 * @param cancelled polled between decode steps; true stops generation (finish reason "cancelled")
 * @param deadline generation stops at the first decode step after it
 */
public record GenerationRequest(
    String prompt,
    Optional<byte[]> image,
    List<ChatTurn> history,
    String systemPrompt,
    SamplingOptions sampling,
    BooleanSupplier cancelled,
    Optional<Instant> deadline) {

  public GenerationRequest {
    if (prompt == null) {
      throw new IllegalArgumentException("prompt is null");
    }
    history = List.copyOf(history);
    systemPrompt = systemPrompt == null ? "" : systemPrompt;
    if (sampling == null || cancelled == null || image == null || deadline == null) {
      throw new IllegalArgumentException("sampling, cancelled, image and deadline are required");
    }
  }

  /** A text-only request without history, deadline or cancellation. */
  public static GenerationRequest text(String prompt, SamplingOptions sampling) {
    return new GenerationRequest(
        prompt, Optional.empty(), List.of(), "", sampling, () -> false, Optional.empty());
  }

  /** The same request with an image. */
  public GenerationRequest withImage(byte[] bytes) {
    return new GenerationRequest(
        prompt, Optional.of(bytes), history, systemPrompt, sampling, cancelled, deadline);
  }
}
