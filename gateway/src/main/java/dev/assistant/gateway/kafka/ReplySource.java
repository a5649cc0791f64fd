package dev.assistant.gateway.kafka;

import dev.assistant.internal.v1.ControlAck;
import java.util.concurrent.CompletableFuture;

/** Where the API hears back: the events of the requests it follows, and acknowledgements. */
public interface ReplySource {
  /** Delivers the events of a request as they arrive, until the returned handle is closed. */
  AutoCloseable listen(String requestId, ReplyListener.EventListener listener);

  /** Completes with the coordinator's answer to the control or route record so correlated. */
  CompletableFuture<ControlAck> expectAck(String correlationId);
}
