package dev.assistant.gateway.kafka;

import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.ControlRecord;
import dev.assistant.internal.v1.RequestRecord;
import dev.assistant.internal.v1.RouteRecord;
import java.util.concurrent.CompletableFuture;

/**
 * Where the API puts what it accepted: the pipeline's input topics. Each future completes when the
 * record is durable, exceptionally when it could not be written.
 */
public interface RequestSink {
  CompletableFuture<?> request(RequestRecord request);

  CompletableFuture<?> audio(AudioChunkRecord chunk);

  CompletableFuture<?> control(ControlRecord control);

  CompletableFuture<?> route(RouteRecord route);
}
