package dev.assistant.common.worker;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.assistant.api.v1.Stage;
import dev.assistant.internal.v1.StageOutput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one request that one worker holds, and the handler's {@link StageContext} for
 * them. Created by the loop thread; afterwards touched only by the request's handler thread, except
 * for the lease flag.
 */
final class RequestSession implements StageContext {
  private final String requestId;
  private final TopicPartition partition;
  private final Lease lease;
  private final Stage stage;
  private final int attempt;
  private final Instant firstRecordTime;
  private final Predicate<String> cancelledByControl;
  private final Consumer<StageOutput> sink;

  /** Entries handled since the last completed unit; committed together when it completes. */
  private final List<PartitionProgress.Entry> held = new ArrayList<>();

  private Instant deadline;
  private long seq;
  private long processingNanos;
  private boolean queueReported;
  private boolean lastEmitted;
  private boolean failed;

  RequestSession(
      String requestId,
      TopicPartition partition,
      Lease lease,
      Stage stage,
      int attempt,
      Instant firstRecordTime,
      Predicate<String> cancelledByControl,
      Consumer<StageOutput> sink) {
    this.requestId = requestId;
    this.partition = partition;
    this.lease = lease;
    this.stage = stage;
    this.attempt = attempt;
    this.firstRecordTime = firstRecordTime;
    this.cancelledByControl = cancelledByControl;
    this.sink = sink;
  }

  @Override
  public String requestId() {
    return requestId;
  }

  /** The partition the request's records come from. */
  TopicPartition partition() {
    return partition;
  }

  /** True when this session was opened under {@code other}, the partition's current lease. */
  boolean heldUnder(Lease other) {
    return lease == other;
  }

  /** True once the partition moved away: nothing of this session may be written any more. */
  boolean isRevoked() {
    return lease.isRevoked();
  }

  /** Takes a record of the request; its offset is committed when the current unit completes. */
  void hold(PartitionProgress.Entry entry) {
    held.add(entry);
  }

  /**
   * Completes the current unit (the records since the last one): returns their entries, whose
   * offsets may now be committed, and lets the next unit emit its own last output. A failed request
   * stays failed, so its later records are skipped.
   */
  List<PartitionProgress.Entry> completeUnit(boolean failure) {
    if (failure) {
      failed = true;
    }
    List<PartitionProgress.Entry> entries = new ArrayList<>(held);
    held.clear();
    lastEmitted = false;
    return entries;
  }

  /** True once a unit of the request failed (dead-lettered, cancelled, expired). */
  boolean isFailed() {
    return failed;
  }

  /** True when the current unit already emitted its last output, so no error may follow it. */
  boolean hasEmittedLast() {
    return lastEmitted;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  void observeDeadline(Optional<Instant> candidate) {
    if (deadline == null && candidate.isPresent()) {
      deadline = candidate.get();
    }
  }

  boolean isExpired() {
    return deadline != null && Instant.now().isAfter(deadline);
  }

  boolean isCancelledByClient() {
    return cancelledByControl.test(requestId);
  }

  @Override
  public boolean isCancelled() {
    return lease.isRevoked() || isCancelledByClient() || isExpired();
  }

  long seq() {
    return seq;
  }

  void rewindTo(long mark) {
    seq = mark;
  }

  void startAt(long base) {
    if (base >= 0) {
      seq = base;
    }
  }

  @Override
  public void emit(StageOutput.Builder output) {
    sink.accept(stamp(output));
  }

  /** Numbers and times an output as {@link #emit} does, without sending it. */
  StageOutput stamp(StageOutput.Builder output) {
    output
        .setRequestId(requestId)
        .setStage(stage)
        .setAttempt(attempt)
        .setSeq((int) seq++)
        .setProducedAt(Timestamps.now())
        .setProcessing(Durations.fromNanos(processingNanos));
    if (!queueReported) {
      output.setQueued(Durations.fromNanos(queueTime().toNanos()));
      queueReported = true;
    }
    if (output.getLast()) {
      lastEmitted = true;
    }
    return output.build();
  }

  @Override
  public void addProcessingTime(java.time.Duration duration) {
    processingNanos += duration.toNanos();
  }

  @Override
  public java.time.Duration queueTime() {
    java.time.Duration d = java.time.Duration.between(firstRecordTime, Instant.now());
    return d.isNegative() ? java.time.Duration.ZERO : d;
  }

  /**
   * Ownership of a partition by this worker; revoked when the partition moves away. Revoked by the
   * loop thread, read by handler threads, hence volatile.
   */
  static final class Lease {
    private volatile boolean revoked;

    void revoke() {
      revoked = true;
    }

    boolean isRevoked() {
      return revoked;
    }
  }
}
