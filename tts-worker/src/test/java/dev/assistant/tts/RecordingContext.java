package dev.assistant.tts;

import dev.assistant.common.worker.StageContext;
import dev.assistant.internal.v1.StageOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A StageContext that records what a handler emits. */
final class RecordingContext implements StageContext {
  final List<StageOutput> outputs = new ArrayList<>();
  boolean cancelled;
  Duration processing = Duration.ZERO;

  @Override
  public String requestId() {
    return "req-1";
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
    outputs.add(output.build());
  }

  @Override
  public void addProcessingTime(Duration duration) {
    processing = processing.plus(duration);
  }

  @Override
  public Duration queueTime() {
    return Duration.ZERO;
  }
}
