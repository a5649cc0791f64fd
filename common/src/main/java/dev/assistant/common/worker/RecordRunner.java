package dev.assistant.common.worker;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.Timestamps;
import dev.assistant.internal.v1.DeadLetter;
import dev.assistant.internal.v1.StageError;
import dev.assistant.internal.v1.StageOutput;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What happens to one input record on a handler thread: parse it, skip it when its request failed,
 * was cancelled or outlived its deadline, run the handler with retries, dead-letter what never
 * succeeds, and tell the loop which records are done. It touches no Kafka client: everything it has
 * to write goes to the loop as a {@link LoopEvent}, so the transaction boundaries stay the loop's
 * alone.
 */
final class RecordRunner<I extends Message> {
  private static final Logger log = LoggerFactory.getLogger(RecordRunner.class);

  private final WorkerSettings settings;
  private final StageHandler<I> handler;
  private final Consumer<LoopEvent> loop;
  private final StageMetrics metrics = StageMetrics.get();
  private final String stageLabel;

  /**
   * @param loop delivers events to the loop thread; called from handler threads
   */
  RecordRunner(WorkerSettings settings, StageHandler<I> handler, Consumer<LoopEvent> loop) {
    this.settings = settings;
    this.handler = handler;
    this.loop = loop;
    this.stageLabel = WorkerSettings.stageName(settings.stage());
  }

  /** Runs one record of {@code session}'s request; the request's records arrive one at a time. */
  void run(
      ConsumerRecord<String, byte[]> record,
      RequestSession session,
      PartitionProgress.Entry entry) {
    if (session.isRevoked()) {
      return;
    }
    MDC.put("requestId", session.requestId());
    try {
      session.hold(entry);
      if (session.isFailed()) {
        finish(session, false, false);
        metrics.records.labelValues(stageLabel, "skipped").inc();
        return;
      }
      I input;
      try {
        input = handler.parser().parseFrom(record.value() == null ? new byte[0] : record.value());
      } catch (InvalidProtocolBufferException e) {
        deadLetter(
            record,
            session,
            Status.Code.INVALID_ARGUMENT,
            "malformed record: " + e.getMessage(),
            1);
        return;
      }
      try {
        session.observeDeadline(handler.deadline(input));
      } catch (RuntimeException e) {
        // An unreadable deadline (a timestamp out of range) can never be honoured; left to escape,
        // it would leave the record unfinished and hold back every later offset of the partition.
        deadLetter(record, session, Status.Code.INVALID_ARGUMENT, "deadline: " + e.getMessage(), 1);
        return;
      }
      if (stopIfCancelled(session)) {
        return;
      }
      metrics
          .queueSeconds
          .labelValues(stageLabel)
          .observe(Math.max(0, System.currentTimeMillis() - record.timestamp()) / 1000.0);
      session.startAt(handler.sequenceBase(input));
      handleWithRetries(record, input, session);
    } finally {
      MDC.remove("requestId");
    }
  }

  private void handleWithRetries(
      ConsumerRecord<String, byte[]> record, I input, RequestSession session) {
    long mark = session.seq();
    Duration backoff = settings.retryBackoff();
    for (int attempt = 1; ; attempt++) {
      long t0 = System.nanoTime();
      try {
        boolean complete = handler.handle(input, session);
        metrics.processingSeconds.labelValues(stageLabel).observe((System.nanoTime() - t0) / 1e9);
        if (stopIfCancelled(session)) {
          return;
        }
        if (complete) {
          metrics.records.labelValues(stageLabel, "ok").inc();
          finish(session, false, true);
        }
        return;
      } catch (InvalidInputException e) {
        deadLetter(record, session, Status.Code.INVALID_ARGUMENT, e.getMessage(), attempt);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception | LinkageError e) {
        if (session.isRevoked()) {
          return;
        }
        if (attempt >= settings.maxAttempts()) {
          log.warn(
              "{} giving up on {} after {} attempts", stageLabel, session.requestId(), attempt, e);
          deadLetter(record, session, Status.Code.INTERNAL, describe(e), attempt);
          return;
        }
        log.info(
            "{} attempt {} on {} failed ({}); retrying",
            stageLabel,
            attempt,
            session.requestId(),
            e.toString());
        metrics.records.labelValues(stageLabel, "retried").inc();
        session.rewindTo(mark); // a retry replays the same sequence numbers
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** Reports and finishes a cancelled or expired request; false when it may go on. */
  private boolean stopIfCancelled(RequestSession session) {
    if (session.isRevoked()) {
      return true;
    }
    Status.Code code;
    String reason;
    if (session.isCancelledByClient()) {
      code = Status.Code.CANCELLED;
      reason = "cancelled by the client";
      metrics.records.labelValues(stageLabel, "cancelled").inc();
    } else if (session.isExpired()) {
      code = Status.Code.DEADLINE_EXCEEDED;
      reason = "deadline passed before " + stageLabel + " finished";
      metrics.records.labelValues(stageLabel, "expired").inc();
    } else {
      return false;
    }
    if (!session.hasEmittedLast()) {
      session.emit(errorOutput(code, reason));
    }
    handler.discard(session.requestId());
    finish(session, true, true);
    return true;
  }

  private static StageOutput.Builder errorOutput(Status.Code code, String reason) {
    return StageOutput.newBuilder()
        .setLast(true)
        .setError(StageError.newBuilder().setCode(code.value()).setMessage(reason));
  }

  private void deadLetter(
      ConsumerRecord<String, byte[]> record,
      RequestSession session,
      Status.Code code,
      String reason,
      int attempts) {
    metrics.records.labelValues(stageLabel, "dead_lettered").inc();
    log.warn("{} dead-lettering {}: {}", stageLabel, session.requestId(), reason);
    DeadLetter letter = deadLetterOf(record, session.requestId(), code, reason, attempts);
    if (!session.requestId().isEmpty() && !session.hasEmittedLast()) {
      session.emit(errorOutput(code, reason)); // the event names the stage; no prefix here
    }
    try {
      handler.discard(session.requestId());
    } catch (RuntimeException e) {
      log.warn("discard failed for {}", session.requestId(), e);
    }
    // The dead letter is written in the transaction that commits the input's offset, not before:
    // one committed without its offset would be written again by whichever worker replays the
    // input, and dead letters carry no sequence number a reader could drop a repeat by.
    LoopEvent.Finished done = finished(session, true, true);
    done.deferred()
        .add(new ProducerRecord<>(settings.dlqTopic(), session.requestId(), letter.toByteArray()));
    loop.accept(done);
  }

  private DeadLetter deadLetterOf(
      ConsumerRecord<String, byte[]> record,
      String requestId,
      Status.Code code,
      String reason,
      int attempts) {
    DeadLetter.Builder dl =
        DeadLetter.newBuilder()
            .setRequestId(requestId)
            .setStage(settings.stage())
            .setCode(code.value())
            .setReason(reason == null ? "" : reason)
            .setAttempts(attempts)
            .setTopic(record.topic())
            .setPartition(record.partition())
            .setOffset(record.offset())
            .setFailedAt(Timestamps.now());
    if (record.key() != null) {
      dl.setKey(ByteString.copyFromUtf8(record.key()));
    }
    if (record.value() != null) {
      dl.setValue(ByteString.copyFrom(record.value()));
    }
    return dl.build();
  }

  private void finish(RequestSession session, boolean failed, boolean closesSession) {
    loop.accept(finished(session, failed, closesSession));
  }

  /** Completes the session's unit; the loop commits its records' offsets with this event. */
  private static LoopEvent.Finished finished(
      RequestSession session, boolean failed, boolean closesSession) {
    return new LoopEvent.Finished(
        session, session.completeUnit(failed), failed, closesSession || failed, new ArrayList<>());
  }
}
