package dev.assistant.gateway.openai;

import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.CancelRequest;
import dev.assistant.api.v1.Event;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * One Ask on the gateway's own gRPC API, read event by event on the HTTP request's thread. Closing
 * it cancels the call (the client went away or the front end has what it needs); {@link #cancel}
 * also stops the request in the pipeline.
 */
final class AskCall implements AutoCloseable {
  private final Channel api;
  private final Context.CancellableContext context;
  private final Iterator<Event> events;
  private String requestId = "";

  AskCall(Channel api, AskRequest request) {
    this.api = api;
    this.context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      events = AssistantGrpc.newBlockingStub(api).ask(request);
    } finally {
      context.detach(previous);
    }
  }

  /**
   * The next event, or null when the call ended normally. An error event or a failed call is thrown
   * as the matching {@link ApiError}.
   */
  Event next() {
    try {
      if (!events.hasNext()) {
        return null;
      }
      Event e = events.next();
      if (!e.getRequestId().isEmpty()) {
        requestId = e.getRequestId();
      }
      if (e.hasError()) {
        throw GrpcErrors.from(e.getError());
      }
      return e;
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.from(e);
    }
  }

  /** The next event that is not {@code accepted}: the first output of a stage, or the end. */
  Event firstOutput() {
    Event e;
    do {
      e = next();
    } while (e != null && e.hasAccepted());
    return e;
  }

  String requestId() {
    return requestId;
  }

  /** Stops the request in every stage (not only this call), as the gRPC Cancel does. */
  void cancel() {
    if (requestId.isEmpty()) {
      return;
    }
    try {
      AssistantGrpc.newBlockingStub(api)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .cancel(CancelRequest.newBuilder().setRequestId(requestId).build());
    } catch (StatusRuntimeException e) {
      // Already finished or unknown: nothing left to stop.
    }
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
