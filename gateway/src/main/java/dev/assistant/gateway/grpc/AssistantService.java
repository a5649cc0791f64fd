package dev.assistant.gateway.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.CancelRequest;
import dev.assistant.api.v1.CancelResponse;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.ConverseRequest;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.SubmitRequest;
import dev.assistant.api.v1.SubmitResponse;
import dev.assistant.api.v1.WatchRequest;
import dev.assistant.gateway.kafka.ReplyListener;
import dev.assistant.gateway.kafka.RequestPublisher;
import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.ControlAck;
import dev.assistant.internal.v1.ControlRecord;
import dev.assistant.internal.v1.RequestKind;
import dev.assistant.internal.v1.RequestRecord;
import dev.assistant.internal.v1.RouteRecord;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

  private final String gatewayId;
  private final RequestPublisher publisher;
  private final ReplyListener replies;
  private final RequestValidator validator;
  private final Admission admission;
  private final GatewaySettings settings;
  private final CatalogCheck catalog;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "event-gap-timer");
            t.setDaemon(true);
            return t;
          });

  public AssistantService(
      String gatewayId,
      RequestPublisher publisher,
      ReplyListener replies,
      Admission admission,
      GatewaySettings settings,
      CatalogCheck catalog) {
    this.catalog = catalog;
    this.gatewayId = gatewayId;
    this.publisher = publisher;
    this.replies = replies;
    this.validator = new RequestValidator(settings.limits());
    this.admission = admission;
    this.settings = settings;
  }

  // --- Ask / Submit
  // -------------------------------------------------------------------------------

  @Override
  public void ask(AskRequest request, StreamObserver<Event> responses) {
    ServerCallStreamObserver<Event> observer = (ServerCallStreamObserver<Event>) responses;
    try {
      validateAsk(request, false);
      Admission.Ticket ticket = admission.admit();
      String id = request.getRequestId().isEmpty() ? newId() : request.getRequestId();
      RequestRecord record =
          toRecord(request, id, RequestKind.REQUEST_KIND_ASK, gatewayId, deadline()).build();
      stream(observer, id, 1, ticket);
      publisher.request(record).whenComplete((md, e) -> failIfUnpublished(observer, e));
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
      admission.check();
      String id = request.getRequestId();
      CompletableFuture<Event> accepted = new CompletableFuture<>();
      AutoCloseable registration =
          replies.listen(
              id,
              e -> {
                if (e.hasAccepted()) {
                  accepted.complete(e);
                }
              });
      publisher
          .request(
              toRecord(request, id, RequestKind.REQUEST_KIND_SUBMIT, gatewayId, jobDeadline)
                  .build())
          .whenComplete(
              (md, e) -> {
                if (e != null) {
                  accepted.completeExceptionally(e);
                }
              });
      accepted
          .orTimeout(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (event, e) -> {
                closeQuietly(registration);
                if (e != null) {
                  responses.onError(unavailable(e, "submission not confirmed"));
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
    validator.speechOptionsNeedAudio(request.getOptions(), hasAudio || streamedAudio);
    catalog.options(request.getOptions(), hasAudio || streamedAudio);
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
            .setAcceptedAt(now());
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
    return new ConverseCall((ServerCallStreamObserver<Event>) responses);
  }

  /** One Converse call: header, then audio, then end. */
  private final class ConverseCall implements StreamObserver<ConverseRequest> {
    private final ServerCallStreamObserver<Event> observer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private ConverseHeader header;
    private String id;
    private int nextChunk;
    private long audioBytes;
    private boolean ended;
    private boolean failed;

    private volatile EventStream stream;
    private volatile Runnable release;
    private java.util.concurrent.ScheduledFuture<?> idleTimer;

    ConverseCall(ServerCallStreamObserver<Event> observer) {
      this.observer = observer;
      resetIdleTimer();
      // A bidi call's handlers must be set before converse() returns, not when the header comes.
      observer.setOnReadyHandler(
          () -> {
            EventStream s = stream;
            if (s != null) {
              s.drain();
            }
          });
      observer.setOnCancelHandler(
          () -> {
            Runnable r = release;
            if (r != null) {
              r.run();
            }
          });
    }

    /**
     * A client that opens a Converse and then sends nothing, never ending it, would hold a call, an
     * admission ticket and a half-assembled request forever. Until its end, every message restarts
     * the clock; when it runs out the call fails and the request is cancelled.
     */
    private void resetIdleTimer() {
      if (idleTimer != null) {
        idleTimer.cancel(false);
      }
      Duration timeout = settings.converseIdleTimeout();
      idleTimer = timers.schedule(this::idleTimeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void idleTimeout() {
      if (ended || failed) {
        return;
      }
      fail(
          Status.DEADLINE_EXCEEDED
              .withDescription(
                  "converse: nothing received for "
                      + settings.converseIdleTimeout().toMillis()
                      + " ms before end (gateway.converse.idle.timeout)")
              .asRuntimeException());
    }

    @Override
    public synchronized void onNext(ConverseRequest message) {
      if (failed) {
        return;
      }
      if (message.getPartCase() != ConverseRequest.PartCase.END) {
        resetIdleTimer();
      } else if (idleTimer != null) {
        idleTimer.cancel(false);
      }
      try {
        switch (message.getPartCase()) {
          case HEADER -> onHeader(message.getHeader());
          case AUDIO -> onAudio(message.getAudio().getData());
          case END -> onEnd();
          default -> throw RequestValidator.invalid("message has no header, audio or end");
        }
      } catch (StatusRuntimeException e) {
        fail(e);
      }
    }

    private void onHeader(ConverseHeader h) {
      if (header != null) {
        throw RequestValidator.invalid("header: sent twice");
      }
      validator.prompt(h.getPrompt());
      validator.options(h.getOptions());
      if (h.hasImage()) {
        validator.image(h.getImage());
      }
      if (h.getNoAudio() && h.getPrompt().isBlank() && !h.hasImage()) {
        throw RequestValidator.invalid("request has no audio, prompt or image");
      }
      validator.speechOptionsNeedAudio(h.getOptions(), !h.getNoAudio());
      catalog.options(h.getOptions(), !h.getNoAudio());
      if (!h.getNoAudio()) {
        validator.audioFormat(h.getAudioEncoding(), h.getSampleRate(), h.getChannels());
      }
      Admission.Ticket ticket = admission.admit();
      header = h;
      id = newId();
      RequestRecord.Builder r =
          RequestRecord.newBuilder()
              .setRequestId(id)
              .setKind(RequestKind.REQUEST_KIND_CONVERSE)
              .setTenant(h.getTenant())
              .setOptions(h.getOptions())
              .setPrompt(h.getPrompt())
              .setAudioStreamed(!h.getNoAudio())
              .setReplyRoute(gatewayId)
              .setAcceptedAt(now());
      if (h.hasImage()) {
        r.setImage(h.getImage());
      }
      deadline().ifPresent(r::setDeadline);
      EventStream events =
          new EventStream(observer, 1, settings.maxBufferedEvents(), gapRepair(id), () -> {});
      AutoCloseable registration = replies.listen(id, events);
      release =
          () -> {
            closeQuietly(registration);
            ticket.close();
          };
      events.onFinish(release);
      stream = events;
      try {
        // Audio must not overtake its request: the request is durable before any chunk is sent.
        publisher.request(r.build()).get(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw unavailable(e, "request not published");
      }
    }

    private void onAudio(ByteString data) {
      if (header == null) {
        throw RequestValidator.invalid("audio: the header must come first");
      }
      if (header.getNoAudio() || ended) {
        throw RequestValidator.invalid("audio: not expected after no_audio or end");
      }
      audioBytes += data.size();
      validator.streamedAudio(
          audioBytes, header.getAudioEncoding(), header.getSampleRate(), header.getChannels());
      pending.writeBytes(data.toByteArray());
      while (pending.size() >= settings.audioChunkBytes()) {
        byte[] all = pending.toByteArray();
        pending.reset();
        int size = settings.audioChunkBytes();
        publishChunk(ByteString.copyFrom(all, 0, size), false);
        pending.write(all, size, all.length - size);
      }
    }

    private void onEnd() {
      if (header == null) {
        throw RequestValidator.invalid("end: the header must come first");
      }
      if (ended) {
        return;
      }
      ended = true;
      if (header.getNoAudio()) {
        return;
      }
      if (audioBytes == 0) {
        cancelRequest();
        throw RequestValidator.invalid("audio: no audio was sent before end");
      }
      publishChunk(ByteString.copyFrom(pending.toByteArray()), true);
      pending.reset();
    }

    private void publishChunk(ByteString data, boolean last) {
      AudioChunkRecord.Builder c =
          AudioChunkRecord.newBuilder()
              .setRequestId(id)
              .setSeq(nextChunk)
              .setEncoding(header.getAudioEncoding())
              .setSampleRate(header.getSampleRate())
              .setChannels(header.getChannels())
              .setData(data)
              .setLast(last);
      if (nextChunk == 0) {
        c.setOptions(header.getOptions());
        deadline().ifPresent(c::setDeadline);
      }
      if (last) {
        c.setTotalChunks(nextChunk + 1);
      }
      nextChunk++;
      publisher.audio(c.build()).whenComplete((md, e) -> failIfUnpublished(observer, e));
    }

    /** Stops the request: workers skip it, and a waiting recognizer gets its end marker. */
    private void cancelRequest() {
      if (id == null) {
        return;
      }
      publisher.control(
          ControlRecord.newBuilder().setRequestId(id).setCancelled(true).setAt(now()).build());
      if (!header.getNoAudio() && !ended) {
        ended = true;
        publishChunk(ByteString.EMPTY, true);
      }
    }

    private void fail(StatusRuntimeException e) {
      failed = true;
      cancelRequest();
      try {
        observer.onError(e);
      } catch (IllegalStateException alreadyClosed) {
        // closed concurrently
      }
    }

    @Override
    public synchronized void onError(Throwable t) {
      idleTimer.cancel(false);
      // The client went away before sending end: without the rest of the audio the request
      // cannot be answered, so it is cancelled. After end it keeps running (resume with Watch).
      if (!ended) {
        cancelRequest();
      }
    }

    @Override
    public synchronized void onCompleted() {
      if (header == null) {
        fail(RequestValidator.invalid("stream ended without a header"));
      } else if (!ended && !failed) {
        try {
          onEnd();
        } catch (StatusRuntimeException e) {
          fail(e);
        }
      }
    }
  }

  // --- Watch / Cancel ---------------------------------------------------------------------------

  @Override
  public void watch(WatchRequest request, StreamObserver<Event> responses) {
    ServerCallStreamObserver<Event> observer = (ServerCallStreamObserver<Event>) responses;
    try {
      validator.requestId(request.getRequestId());
      String correlation = newId();
      CompletableFuture<ControlAck> ack = replies.expectAck(correlation);
      long from = Math.max(1, request.getFromSequence());
      EventStream stream = stream(observer, request.getRequestId(), from, null);
      publisher.route(
          RouteRecord.newBuilder()
              .setRequestId(request.getRequestId())
              .setReplyRoute(gatewayId)
              .setFromSequence(request.getFromSequence())
              .setCorrelationId(correlation)
              .build());
      ack.orTimeout(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (a, e) -> {
                if (e != null) {
                  stream.failNow(Status.UNAVAILABLE.withDescription("watch not confirmed in time"));
                } else if (!a.getFound()) {
                  stream.failNow(
                      Status.NOT_FOUND.withDescription(
                          "request " + request.getRequestId() + " is unknown or expired"));
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
      String correlation = newId();
      CompletableFuture<ControlAck> ack = replies.expectAck(correlation);
      publisher.control(
          ControlRecord.newBuilder()
              .setRequestId(request.getRequestId())
              .setCancelled(true)
              .setAt(now())
              .setReplyRoute(gatewayId)
              .setCorrelationId(correlation)
              .build());
      ack.orTimeout(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (a, e) -> {
                if (e != null) {
                  responses.onError(unavailable(e, "cancel not confirmed"));
                } else if (!a.getFound()) {
                  responses.onError(
                      Status.NOT_FOUND
                          .withDescription(
                              "request " + request.getRequestId() + " is unknown or expired")
                          .asRuntimeException());
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

  // --- helpers ----------------------------------------------------------------------------------

  private EventStream stream(
      ServerCallStreamObserver<Event> observer, String id, long from, Admission.Ticket ticket) {
    AutoCloseable[] registration = new AutoCloseable[1];
    EventStream stream =
        new EventStream(
            observer,
            from,
            settings.maxBufferedEvents(),
            gapRepair(id),
            () -> {
              closeQuietly(registration[0]);
              if (ticket != null) {
                ticket.close();
              }
            });
    observer.setOnReadyHandler(stream::drain);
    registration[0] = replies.listen(id, stream);
    observer.setOnCancelHandler(
        () -> {
          closeQuietly(registration[0]);
          if (ticket != null) {
            ticket.close();
          }
        });
    return stream;
  }

  /** Asks the coordinator to send a request's events to this gateway again from a sequence. */
  private EventStream.GapRepair gapRepair(String id) {
    return new EventStream.GapRepair(
        timers,
        settings.gapRepairAfter(),
        from ->
            publisher.route(
                RouteRecord.newBuilder()
                    .setRequestId(id)
                    .setReplyRoute(gatewayId)
                    .setFromSequence(from)
                    .setCorrelationId(newId())
                    .build()));
  }

  private static void failIfUnpublished(ServerCallStreamObserver<Event> observer, Throwable e) {
    if (e != null) {
      log.warn("publishing failed: {}", e.toString());
      try {
        observer.onError(unavailable(e, "request not published"));
      } catch (IllegalStateException alreadyClosed) {
        // the call already ended
      }
    }
  }

  private static StatusRuntimeException unavailable(Throwable e, String what) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof TimeoutException) {
      return Status.UNAVAILABLE.withDescription(what + " in time; retry").asRuntimeException();
    }
    return Status.UNAVAILABLE
        .withDescription(what + ": " + cause.getMessage())
        .asRuntimeException();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception ignored) {
      // unregistering cannot fail in a way the caller could act on
    }
  }

  private java.util.Optional<Timestamp> deadline() {
    Deadline d = Context.current().getDeadline();
    Duration max = settings.maxRequestTime();
    Instant limit = Instant.now().plus(max);
    if (d != null) {
      Instant callDeadline = Instant.now().plusNanos(d.timeRemaining(TimeUnit.NANOSECONDS));
      if (callDeadline.isBefore(limit)) {
        limit = callDeadline;
      }
    }
    return java.util.Optional.of(Timestamps.fromMillis(limit.toEpochMilli()));
  }

  private static Timestamp now() {
    return Timestamps.now();
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }
}
