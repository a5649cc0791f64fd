package dev.assistant.gateway.grpc;

import dev.assistant.common.config.Config;

/**
 * Input limits, from configuration ({@code limits.*}). Anything beyond them is refused with
 * INVALID_ARGUMENT before it reaches Kafka.
 */
public record Limits(
    int promptChars,
    long imageBytes,
    long audioBytes,
    double audioSeconds,
    int maxTokens,
    int historyTurns) {

  /**
   * The largest gRPC message the transport lets through. gRPC refuses a bigger one with a bare
   * RESOURCE_EXHAUSTED before any interceptor or service sees it, so the transport limit sits well
   * above the field limits: an image or audio up to four times its limit (alongside the other
   * fields) still reaches the validator, which names the field and its limit.
   */
  public long transportMessageBytes() {
    return 4 * (imageBytes + audioBytes + 4L * promptChars * (2 + historyTurns)) + (1L << 20);
  }

  public static Limits from(Config config) {
    return new Limits(
        config.getInt("limits.prompt.chars", 8000, 1, 1_000_000),
        config.getBytes("limits.image.bytes", 8L << 20),
        config.getBytes("limits.audio.max.bytes", 32L << 20),
        config.getDouble("limits.audio.max.seconds", 1800),
        config.getInt("limits.max.tokens", 1024, 1, 1_000_000),
        config.getInt("limits.history.turns", 32, 0, 10_000));
  }
}
