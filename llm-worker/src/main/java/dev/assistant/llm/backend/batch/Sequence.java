package dev.assistant.llm.backend.batch;

import dev.assistant.llm.backend.FinishReason;
import dev.assistant.llm.backend.GenerationResult;
import dev.assistant.llm.backend.SamplingOptions;
import dev.assistant.llm.backend.TokenListener;
import dev.assistant.llm.backend.nn.KvCache;
import dev.assistant.llm.backend.sampling.TokenSampler;
import dev.assistant.llm.backend.text.StreamingDetokenizer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * One generation in flight: its prompt embeddings (until prefilled), cache, sampler, detokenizer
 * and the future its caller waits on. Owned by the scheduler thread once submitted.
 */
public final class Sequence {
  final float[] promptEmbeddings;
  final int promptTokens;
  final int capacity;
  final SamplingOptions options;
  final TokenSampler sampler;
  final StreamingDetokenizer detokenizer;
  final TokenListener listener;
  final BooleanSupplier cancelled;
  final Optional<Instant> deadline;
  final int eosId;
  final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
  final long submittedNanos = System.nanoTime();
  final StringBuilder text = new StringBuilder();
  KvCache cache;
  long reservedBytes;
  int lastToken = -1;
  int generated;
  long firstTokenNanos;
  long lastTokenNanos;

  /**
   * @param promptEmbeddings {@code promptTokens × hidden} input embeddings (text and image rows)
   * @param capacity KV positions to reserve: prompt plus the new tokens that fit the context
   */
  public Sequence(
      float[] promptEmbeddings,
      int promptTokens,
      int capacity,
      SamplingOptions options,
      TokenSampler sampler,
      StreamingDetokenizer detokenizer,
      TokenListener listener,
      BooleanSupplier cancelled,
      Optional<Instant> deadline,
      int eosId) {
    this.promptEmbeddings = promptEmbeddings;
    this.promptTokens = promptTokens;
    this.capacity = capacity;
    this.options = options;
    this.sampler = sampler;
    this.detokenizer = detokenizer;
    this.listener = listener;
    this.cancelled = cancelled;
    this.deadline = deadline;
    this.eosId = eosId;
  }

  public CompletableFuture<GenerationResult> result() {
    return result;
  }

  boolean shouldStop() {
    return cancelled.getAsBoolean() || deadline.map(d -> Instant.now().isAfter(d)).orElse(false);
  }

  /** Accepts a sampled token; returns the finish reason when the sequence is done, else null. */
  FinishReason accept(int token) {
    long now = System.nanoTime();
    if (generated == 0) {
      firstTokenNanos = now;
    }
    lastTokenNanos = now;
    if (token == eosId || options.stopTokens().contains(token)) {
      return FinishReason.STOP;
    }
    generated++;
    lastToken = token;
    sampler.observe(token);
    String delta = detokenizer.push(token);
    if (!delta.isEmpty()) {
      emit(delta, detokenizer.takePendingTokens());
    }
    if (generated >= options.maxNewTokens() || promptTokens + generated >= capacity) {
      return FinishReason.LENGTH;
    }
    return null;
  }

  private void emit(String delta, int tokens) {
    text.append(delta);
    listener.onText(delta, Math.max(1, tokens));
  }

  GenerationResult finish(FinishReason reason) {
    String rest = detokenizer.finish();
    if (!rest.isEmpty()) {
      emit(rest, detokenizer.takePendingTokens());
    }
    long ttft =
        (generated > 0 || firstTokenNanos > 0 ? firstTokenNanos : System.nanoTime())
            - submittedNanos;
    double tps =
        generated > 1 && lastTokenNanos > firstTokenNanos
            ? (generated - 1) / ((lastTokenNanos - firstTokenNanos) / 1e9)
            : 0;
    return new GenerationResult(
        text.toString(), reason, promptTokens, generated, Duration.ofNanos(Math.max(0, ttft)), tps);
  }
}
