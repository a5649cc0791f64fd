package dev.assistant.stt;

import dev.assistant.common.worker.StageContext;
import dev.assistant.internal.v1.StageOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A StageContext that keeps what the handler emits. */
final class RecordingContext implements StageContext {
  final String requestId;
  final List<StageOutput> outputs = new ArrayList<>();
  Duration processing = Duration.ZERO;
  boolean cancelled;

  RecordingContext(String requestId) {
    this.requestId = requestId;
  }

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public int attempt() {
    return 1;
  }

  @Override
  public Optional<Instant> deadline() {
    return Optional.empty();
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void emit(StageOutput.Builder output) {
    outputs.add(output.setRequestId(requestId).setSeq(outputs.size()).build());
  }

  @Override
  public void addProcessingTime(Duration duration) {
    processing = processing.plus(duration);
  }

  @Override
  public Duration queueTime() {
    return Duration.ofMillis(3);
  }
}
