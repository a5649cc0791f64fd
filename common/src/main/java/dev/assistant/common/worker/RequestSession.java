package dev.assistant.common.worker;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
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
  final String requestId;
  final TopicPartition partition;
  final Lease lease;
  private final Stage stage;
  private final int attempt;
  private final Instant firstRecordTime;
  private final Predicate<String> cancelledByControl;
  private final Consumer<StageOutput> sink;

  /** Entries handled since the last completed unit; committed together when it completes. */
  final List<PartitionProgress.Entry> held = new ArrayList<>();

  private Instant deadline;
  private long seq;
  private long processingNanos;
  private boolean queueReported;
  boolean lastEmitted;
  boolean failed;

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
    return lease.revoked || isCancelledByClient() || isExpired();
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
    Instant now = Instant.now();
    output
        .setRequestId(requestId)
        .setStage(stage)
        .setAttempt(attempt)
        .setSeq((int) seq++)
        .setProducedAt(timestamp(now))
        .setProcessing(duration(java.time.Duration.ofNanos(processingNanos)));
    if (!queueReported) {
      output.setQueued(duration(queueTime()));
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

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  static Duration duration(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  /** Ownership of a partition by this worker; revoked when the partition moves away. */
  static final class Lease {
    volatile boolean revoked;
  }
}
