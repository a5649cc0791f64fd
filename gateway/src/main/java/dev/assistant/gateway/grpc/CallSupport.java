package dev.assistant.gateway.grpc;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.assistant.api.v1.Event;
import dev.assistant.gateway.kafka.ReplySource;
import dev.assistant.gateway.kafka.RequestSink;
import dev.assistant.internal.v1.RouteRecord;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every call of the API shares: where requests go and replies come from, the checks at the
 * door, and the small protocols around them (event streams, waiting for an acknowledgement,
 * deadlines).
 */
final class CallSupport {
  private static final Logger log = LoggerFactory.getLogger(CallSupport.class);

  final String gatewayId;
  final RequestSink sink;
  final ReplySource replies;
  final RequestValidator validator;
  final CatalogCheck catalog;
  final Admission admission;
  final GatewaySettings settings;
  final ScheduledExecutorService timers;

  CallSupport(
      String gatewayId,
      RequestSink sink,
      ReplySource replies,
      CatalogCheck catalog,
      Admission admission,
      GatewaySettings settings,
      ScheduledExecutorService timers) {
    this.gatewayId = gatewayId;
    this.sink = sink;
    this.replies = replies;
    this.validator = new RequestValidator(settings.limits());
    this.catalog = catalog;
    this.admission = admission;
    this.settings = settings;
    this.timers = timers;
  }

  /**
   * Streams a request's events from {@code from} to the caller, gap-free, releasing the listener
   * registration and the admission ticket (if any) when the call ends either way.
   */
  EventStream stream(
      ServerCallStreamObserver<Event> observer, String id, long from, Admission.Ticket ticket) {
    AutoCloseable[] registration = new AutoCloseable[1];
    Runnable release =
        () -> {
          closeQuietly(registration[0]);
          if (ticket != null) {
            ticket.close();
          }
        };
    EventStream stream =
        new EventStream(observer, from, settings.maxBufferedEvents(), gapRepair(id), release);
    observer.setOnReadyHandler(stream::drain);
    registration[0] = replies.listen(id, stream);
    observer.setOnCancelHandler(release::run);
    return stream;
  }

  /** Asks the coordinator to send a request's events to this gateway again from a sequence. */
  EventStream.GapRepair gapRepair(String id) {
    return new EventStream.GapRepair(
        timers,
        settings.gapRepairAfter(),
        from ->
            sink.route(
                RouteRecord.newBuilder()
                    .setRequestId(id)
                    .setReplyRoute(gatewayId)
                    .setFromSequence(from)
                    .setCorrelationId(newId())
                    .build()));
  }

  /**
   * Runs {@code then} with the answer, or with a timeout after {@code gateway.ack.timeout}: the one
   * wait of Submit, Watch and Cancel for the coordinator.
   */
  <T> void whenAnswered(CompletableFuture<T> answer, BiConsumer<T, Throwable> then) {
    answer.orTimeout(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete(then);
  }

  /** The deadline of a request whose call has one, capped by {@code gateway.max.request.time}. */
  Optional<Timestamp> deadline() {
    Deadline d = Context.current().getDeadline();
    Instant limit = Instant.now().plus(settings.maxRequestTime());
    if (d != null) {
      Instant callDeadline = Instant.now().plusNanos(d.timeRemaining(TimeUnit.NANOSECONDS));
      if (callDeadline.isBefore(limit)) {
        limit = callDeadline;
      }
    }
    return Optional.of(Timestamps.fromMillis(limit.toEpochMilli()));
  }

  static Timestamp now() {
    return Timestamps.now();
  }

  static String newId() {
    return UUID.randomUUID().toString();
  }

  static StatusRuntimeException notFound(String requestId) {
    return Status.NOT_FOUND
        .withDescription("request " + requestId + " is unknown or expired")
        .asRuntimeException();
  }

  static void failIfUnpublished(ServerCallStreamObserver<Event> observer, Throwable e) {
    if (e != null) {
      log.warn("publishing failed: {}", e.toString());
      try {
        observer.onError(unavailable(e, "request not published"));
      } catch (IllegalStateException alreadyClosed) {
        // the call already ended
      }
    }
  }

  static StatusRuntimeException unavailable(Throwable e, String what) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof TimeoutException) {
      return Status.UNAVAILABLE.withDescription(what + " in time; retry").asRuntimeException();
    }
    return Status.UNAVAILABLE
        .withDescription(what + ": " + cause.getMessage())
        .asRuntimeException();
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception ignored) {
      // unregistering cannot fail in a way the caller could act on
    }
  }
}
