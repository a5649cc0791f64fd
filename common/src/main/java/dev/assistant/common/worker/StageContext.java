package dev.assistant.common.worker;

import dev.assistant.internal.v1.StageOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A handler's view of one request: identity, cancellation and the output sink. One context lives
 * for all records of a request within one delivery attempt.
 */
public interface StageContext {

  /** The request ID (the record key). */
  String requestId();

  /** Delivery attempt, 1 on first delivery; a restarted worker replays with a higher attempt. */
  int attempt();

  /** Deadline of the request, if known. */
  Optional<Instant> deadline();

  /**
   * True when the request was cancelled or its deadline passed. Long-running handlers check it
   * between units of work (decode steps, segments, sentences) and stop early.
   */
  boolean isCancelled();

  /**
   * Emits an output of this stage for this request. The loop fills in request ID, stage, attempt,
   * per-request sequence number and production time, then sends it in the current transaction.
   * Outputs become visible to consumers at the next transaction commit (at most the configured
   * flush interval later).
   */
  void emit(StageOutput.Builder output);

  /** Adds model time, reported in the stage's timings. */
  void addProcessingTime(Duration duration);

  /** Time the request's first record waited in Kafka before this stage took it. */
  Duration queueTime();
}
