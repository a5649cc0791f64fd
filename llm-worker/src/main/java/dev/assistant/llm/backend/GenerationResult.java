package dev.assistant.llm.backend;

import java.time.Duration;

/**
 * The outcome of a generation.
 *
 * @param promptTokens prompt length including image positions
 * @param timeToFirstToken from submission to the first generated token
 * @param tokensPerSecond generated tokens per second after the first one (0 with fewer than 2)
 */
public record GenerationResult(
    String text,
    FinishReason finishReason,
    int promptTokens,
    int completionTokens,
    Duration timeToFirstToken,
    double tokensPerSecond) {}
