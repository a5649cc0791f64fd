package dev.assistant.gateway.grpc;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.CancelRequest;
import dev.assistant.api.v1.CancelResponse;
import dev.assistant.api.v1.ConverseRequest;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.SubmitRequest;
import dev.assistant.api.v1.SubmitResponse;
import dev.assistant.api.v1.WatchRequest;
import dev.assistant.gateway.kafka.ReplySource;
import dev.assistant.gateway.kafka.RequestSink;
import dev.assistant.internal.v1.ControlAck;
import dev.assistant.internal.v1.ControlRecord;
import dev.assistant.internal.v1.RequestKind;
import dev.assistant.internal.v1.RequestRecord;
import dev.assistant.internal.v1.RouteRecord;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public API. Validates and admits requests, publishes them to Kafka, and streams back the
 * events the coordinator routes to this gateway. Never blocks a gRPC thread on a model.
 */
public final class AssistantService extends AssistantGrpc.AssistantImplBase {
  private static final Logger log = LoggerFactory.getLogger(AssistantService.class);
  private static final Duration MAX_JOB_TIMEOUT = Duration.ofDays(30);

  /** Trailer telling a refused client when to try again. */
  public static final Metadata.Key<String> RETRY_AFTER_MS =
      Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  private final CallSupport calls;
  private final RequestValidator validator;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gateway-call-timer");
            t.setDaemon(true);
            return t;
          });

  public AssistantService(
      String gatewayId,
      RequestSink sink,
      ReplySource replies,
      Admission admission,
      GatewaySettings settings,
      CatalogCheck catalog) {
    this.calls = new CallSupport(gatewayId, sink, replies, catalog, admission, settings, timers);
    this.validator = calls.validator;
  }

  // --- Ask / Submit
  // -------------------------------------------------------------------------------

  @Override
  public void ask(AskRequest request, StreamObserver<Event> responses) {
    ServerCallStreamObserver<Event> observer = (ServerCallStreamObserver<Event>) responses;
    try {
      validateAsk(request, false);
      Admission.Ticket ticket = calls.admission.admit();
      String id = request.getRequestId().isEmpty() ? CallSupport.newId() : request.getRequestId();
      RequestRecord record =
          toRecord(request, id, RequestKind.REQUEST_KIND_ASK, calls.gatewayId, calls.deadline())
              .build();
      calls.stream(observer, id, 1, ticket);
      calls
          .sink
          .request(record)
          .whenComplete((md, e) -> CallSupport.failIfUnpublished(observer, e));
    } catch (StatusRuntimeException e) {
      responses.onError(e);
    }
  }

  @Override
  public void submit(SubmitRequest submit, StreamObserver<SubmitResponse> responses) {
    AskRequest request = submit.getRequest();
    try {
      if (request.getRequestId().isEmpty()) {
        throw RequestValidator.invalid("request.request_id: required for Submit (idempotency key)");
      }
      validateAsk(request, false);
      java.util.Optional<Timestamp> jobDeadline = jobDeadline(submit);
      calls.admission.check();
      String id = request.getRequestId();
      CompletableFuture<Event> accepted = new CompletableFuture<>();
      AutoCloseable registration =
          calls.replies.listen(
              id,
              e -> {
                if (e.hasAccepted()) {
                  accepted.complete(e);
                }
              });
      calls
          .sink
          .request(
              toRecord(request, id, RequestKind.REQUEST_KIND_SUBMIT, calls.gatewayId, jobDeadline)
                  .build())
          .whenComplete(
              (md, e) -> {
                if (e != null) {
                  accepted.completeExceptionally(e);
                }
              });
      calls.whenAnswered(
          accepted,
          (event, e) -> {
            CallSupport.closeQuietly(registration);
            if (e != null) {
              responses.onError(CallSupport.unavailable(e, "submission not confirmed"));
              return;
            }
            responses.onNext(
                SubmitResponse.newBuilder()
                    .setRequestId(id)
                    .setDuplicate(event.getAccepted().getDuplicate())
                    .setAcceptedAt(event.getAccepted().getAcceptedAt())
                    .build());
            responses.onCompleted();
          });
    } catch (StatusRuntimeException e) {
      responses.onError(e);
    }
  }

  private void validateAsk(AskRequest request, boolean streamedAudio) {
    if (!request.getRequestId().isEmpty()) {
      validator.requestId(request.getRequestId());
    }
    validator.prompt(request.getPrompt());
    validator.options(request.getOptions());
    boolean hasAudio = request.hasAudio() && !request.getAudio().getData().isEmpty();
    if (request.hasImage()) {
      validator.image(request.getImage());
    }
    if (hasAudio) {
      validator.audio(request.getAudio());
    } else if (request.hasAudio()) {
      throw RequestValidator.invalid("audio: data is empty");
    }
    if (!hasAudio && !streamedAudio && request.getPrompt().isBlank() && !request.hasImage()) {
      throw RequestValidator.invalid("request has no audio, prompt or image");
    }
    validator.stages(
        request.getOptions(), hasAudio || streamedAudio, request.hasImage(), request.getPrompt());
    validator.speechOptionsNeedAudio(request.getOptions(), hasAudio || streamedAudio);
    calls.catalog.options(request.getOptions(), hasAudio || streamedAudio);
  }

  /**
   * A batch job's own deadline: acceptance plus its explicit timeout, or none. The Submit call's
   * gRPC deadline only bounds the enqueueing; a client that enqueues with a short call deadline
   * must not see its job fail later for it.
   */
  private static java.util.Optional<Timestamp> jobDeadline(SubmitRequest submit) {
    if (!submit.hasTimeout()) {
      return java.util.Optional.empty();
    }
    com.google.protobuf.Duration t = submit.getTimeout();
    if (t.getSeconds() < 0 || t.getNanos() < 0 || (t.getSeconds() == 0 && t.getNanos() == 0)) {
      throw RequestValidator.invalid("timeout: must be positive (leave it unset for none)");
    }
    if (t.getSeconds() > MAX_JOB_TIMEOUT.getSeconds()) {
      throw RequestValidator.invalid(
          "timeout: "
              + t.getSeconds()
              + " s exceeds the limit of "
              + MAX_JOB_TIMEOUT.toDays()
              + " days (leave it unset for none)");
    }
    Instant at = Instant.now().plusSeconds(t.getSeconds()).plusNanos(t.getNanos());
    return java.util.Optional.of(Timestamps.fromMillis(at.toEpochMilli()));
  }

  private RequestRecord.Builder toRecord(
      AskRequest r,
      String id,
      RequestKind kind,
      String route,
      java.util.Optional<Timestamp> deadline) {
    RequestRecord.Builder b =
        RequestRecord.newBuilder()
            .setRequestId(id)
            .setKind(kind)
            .setTenant(r.getTenant())
            .setOptions(r.getOptions())
            .setPrompt(r.getPrompt())
            .setReplyRoute(route)
            .setAcceptedAt(CallSupport.now());
    if (r.hasImage()) {
      b.setImage(r.getImage());
    }
    if (r.hasAudio() && !r.getAudio().getData().isEmpty()) {
      b.setAudio(r.getAudio());
    }
    deadline.ifPresent(b::setDeadline);
    return b;
  }

  // --- Converse ---------------------------------------------------------------------------------

  @Override
  public StreamObserver<ConverseRequest> converse(StreamObserver<Event> responses) {
    return new ConverseCall(calls, (ServerCallStreamObserver<Event>) responses);
  }

  // --- Watch / Cancel ---------------------------------------------------------------------------

  @Override
  public void watch(WatchRequest request, StreamObserver<Event> responses) {
    ServerCallStreamObserver<Event> observer = (ServerCallStreamObserver<Event>) responses;
    try {
      validator.requestId(request.getRequestId());
      String correlation = CallSupport.newId();
      CompletableFuture<ControlAck> ack = calls.replies.expectAck(correlation);
      long from = Math.max(1, request.getFromSequence());
      EventStream stream = calls.stream(observer, request.getRequestId(), from, null);
      calls.sink.route(
          RouteRecord.newBuilder()
              .setRequestId(request.getRequestId())
              .setReplyRoute(calls.gatewayId)
              .setFromSequence(request.getFromSequence())
              .setCorrelationId(correlation)
              .build());
      calls.whenAnswered(
          ack,
          (a, e) -> {
            if (e != null) {
              stream.failNow(Status.UNAVAILABLE.withDescription("watch not confirmed in time"));
            } else if (!a.getFound()) {
              stream.failNow(CallSupport.notFound(request.getRequestId()).getStatus());
            } else if (!a.getWasRunning() && from > a.getLastSequence()) {
              stream.completeNow(); // finished, and the caller has every event it asked for
            }
          });
    } catch (StatusRuntimeException e) {
      responses.onError(e);
    }
  }

  @Override
  public void cancel(CancelRequest request, StreamObserver<CancelResponse> responses) {
    try {
      validator.requestId(request.getRequestId());
      String correlation = CallSupport.newId();
      CompletableFuture<ControlAck> ack = calls.replies.expectAck(correlation);
      calls.sink.control(
          ControlRecord.newBuilder()
              .setRequestId(request.getRequestId())
              .setCancelled(true)
              .setAt(CallSupport.now())
              .setReplyRoute(calls.gatewayId)
              .setCorrelationId(correlation)
              .build());
      calls.whenAnswered(
          ack,
          (a, e) -> {
            if (e != null) {
              responses.onError(CallSupport.unavailable(e, "cancel not confirmed"));
            } else if (!a.getFound()) {
              responses.onError(CallSupport.notFound(request.getRequestId()));
            } else {
              responses.onNext(
                  CancelResponse.newBuilder()
                      .setRequestId(request.getRequestId())
                      .setWasRunning(a.getWasRunning())
                      .build());
              responses.onCompleted();
            }
          });
    } catch (StatusRuntimeException e) {
      responses.onError(e);
    }
  }
}
