package dev.assistant.gateway.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.Accepted;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.CancelRequest;
import dev.assistant.api.v1.CancelResponse;
import dev.assistant.api.v1.Completed;
import dev.assistant.api.v1.ConverseAudio;
import dev.assistant.api.v1.ConverseEnd;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.ConverseRequest;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.SubmitRequest;
import dev.assistant.api.v1.SubmitResponse;
import dev.assistant.api.v1.WatchRequest;
import dev.assistant.common.config.Config;
import dev.assistant.gateway.kafka.ReplyListener;
import dev.assistant.gateway.kafka.ReplySource;
import dev.assistant.gateway.kafka.RequestSink;
import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.ControlAck;
import dev.assistant.internal.v1.ControlRecord;
import dev.assistant.internal.v1.RequestKind;
import dev.assistant.internal.v1.RequestRecord;
import dev.assistant.internal.v1.RouteRecord;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API against test doubles of the pipeline: what it publishes, what it streams back. */
class AssistantServiceTest {
  /** Records what the API publishes. */
  static final class RecordingSink implements RequestSink {
    volatile boolean brokerDown;
    final List<RequestRecord> requests = new CopyOnWriteArrayList<>();
    final List<AudioChunkRecord> audio = new CopyOnWriteArrayList<>();
    final List<ControlRecord> controls = new CopyOnWriteArrayList<>();
    final List<RouteRecord> routes = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<?> request(RequestRecord r) {
      requests.add(r);
      return brokerDown
          ? CompletableFuture.failedFuture(new java.io.IOException("broker unreachable"))
          : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<?> audio(AudioChunkRecord chunk) {
      audio.add(chunk);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<?> control(ControlRecord c) {
      controls.add(c);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<?> route(RouteRecord r) {
      routes.add(r);
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Lets the test play the coordinator: deliver events, answer control and route records. */
  static final class ScriptedReplies implements ReplySource {
    final Map<String, List<ReplyListener.EventListener>> listeners = new ConcurrentHashMap<>();
    final Map<String, CompletableFuture<ControlAck>> acks = new ConcurrentHashMap<>();

    @Override
    public AutoCloseable listen(String requestId, ReplyListener.EventListener listener) {
      listeners.computeIfAbsent(requestId, k -> new CopyOnWriteArrayList<>()).add(listener);
      return () -> listeners.get(requestId).remove(listener);
    }

    @Override
    public CompletableFuture<ControlAck> expectAck(String correlationId) {
      return acks.computeIfAbsent(correlationId, k -> new CompletableFuture<>());
    }

    void deliver(String requestId, Event event) {
      listeners.getOrDefault(requestId, List.of()).forEach(l -> l.onEvent(event));
    }

    void answer(String correlationId, ControlAck ack) {
      expectAck(correlationId).complete(ack);
    }
  }

  private final RecordingSink sink = new RecordingSink();
  private final ScriptedReplies replies = new ScriptedReplies();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    GatewaySettings settings =
        GatewaySettings.from(
            Config.of(
                Map.of(
                    "gateway.ack.timeout", "300ms",
                    "gateway.audio.chunk.bytes", "1000",
                    "limits.max.tokens", "64")));
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new AssistantService(
                    "gw-1",
                    sink,
                    replies,
                    new Admission(10, Optional::empty, Duration.ofSeconds(1)),
                    settings,
                    CatalogCheck.none()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static Event event(String id, long seq) {
    Event.Builder e = Event.newBuilder().setRequestId(id).setSequence(seq);
    return seq == 1 ? e.setAccepted(Accepted.getDefaultInstance()).build() : e.build();
  }

  @Test
  void askPublishesTheRequestAndStreamsItsEventsInSequenceOrder() {
    Iterator<Event> events =
        AssistantGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .ask(AskRequest.newBuilder().setRequestId("a-1").setPrompt("hello").build());
    RequestRecord published = sink.requests.get(0);
    assertEquals("a-1", published.getRequestId());
    assertEquals(RequestKind.REQUEST_KIND_ASK, published.getKind());
    assertEquals("gw-1", published.getReplyRoute());
    assertTrue(published.hasDeadline(), "a call's deadline becomes the request's");
    replies.deliver("a-1", event("a-1", 2)); // overtakes sequence 1: held until 1 arrives
    replies.deliver("a-1", event("a-1", 1));
    replies.deliver(
        "a-1", event("a-1", 3).toBuilder().setCompleted(Completed.getDefaultInstance()).build());
    List<Long> seen = new ArrayList<>();
    events.forEachRemaining(e -> seen.add(e.getSequence()));
    assertEquals(List.of(1L, 2L, 3L), seen);
  }

  @Test
  void refusedInputNeverReachesThePipeline() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                AssistantGrpc.newBlockingStub(channel)
                    .ask(
                        AskRequest.newBuilder()
                            .setPrompt("x")
                            .setOptions(RequestOptions.newBuilder().setMaxTokens(65))
                            .build())
                    .hasNext());
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("options.max_tokens: 65 is outside [0, 64]", e.getStatus().getDescription());
    assertTrue(sink.requests.isEmpty());
  }

  @Test
  void submitAnswersWithTheAcceptedEventAndItsDuplicateFlag() throws Exception {
    CompletableFuture<SubmitResponse> answer = new CompletableFuture<>();
    AssistantGrpc.newStub(channel)
        .submit(
            SubmitRequest.newBuilder()
                .setRequest(AskRequest.newBuilder().setRequestId("s-1").setPrompt("p"))
                .build(),
            observer(answer));
    assertEquals(RequestKind.REQUEST_KIND_SUBMIT, sink.requests.get(0).getKind());
    assertFalse(sink.requests.get(0).hasDeadline(), "a job without timeout has no deadline");
    replies.deliver(
        "s-1",
        event("s-1", 1).toBuilder().setAccepted(Accepted.newBuilder().setDuplicate(true)).build());
    SubmitResponse r = answer.get(5, TimeUnit.SECONDS);
    assertEquals("s-1", r.getRequestId());
    assertTrue(r.getDuplicate());
  }

  @Test
  void aSubmissionTheCoordinatorNeverConfirmsIsUnavailable() {
    CompletableFuture<SubmitResponse> answer = new CompletableFuture<>();
    AssistantGrpc.newStub(channel)
        .submit(
            SubmitRequest.newBuilder()
                .setRequest(AskRequest.newBuilder().setRequestId("s-2").setPrompt("p"))
                .build(),
            observer(answer));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> answer.get(5, TimeUnit.SECONDS));
    assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(e.getCause()).getCode());
  }

  @Test
  void watchAndCancelOfUnknownRequestsAreNotFound() {
    Iterator<Event> watch =
        AssistantGrpc.newBlockingStub(channel)
            .watch(WatchRequest.newBuilder().setRequestId("nope").build());
    RouteRecord route = sink.routes.get(0);
    assertEquals("gw-1", route.getReplyRoute());
    replies.answer(route.getCorrelationId(), ControlAck.newBuilder().setFound(false).build());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, watch::hasNext);
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());

    CompletableFuture<CancelResponse> cancel = new CompletableFuture<>();
    AssistantGrpc.newStub(channel)
        .cancel(CancelRequest.newBuilder().setRequestId("nope").build(), observer(cancel));
    replies.answer(
        sink.controls.get(0).getCorrelationId(), ControlAck.newBuilder().setFound(false).build());
    ExecutionException c =
        assertThrows(ExecutionException.class, () -> cancel.get(5, TimeUnit.SECONDS));
    assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(c.getCause()).getCode());
  }

  @Test
  void cancelReportsWhetherTheRequestWasRunning() throws Exception {
    CompletableFuture<CancelResponse> cancel = new CompletableFuture<>();
    AssistantGrpc.newStub(channel)
        .cancel(CancelRequest.newBuilder().setRequestId("r-9").build(), observer(cancel));
    ControlRecord control = sink.controls.get(0);
    assertTrue(control.getCancelled());
    replies.answer(
        control.getCorrelationId(),
        ControlAck.newBuilder().setFound(true).setWasRunning(true).build());
    assertTrue(cancel.get(5, TimeUnit.SECONDS).getWasRunning());
  }

  @Test
  void converseRechunksTheAudioAndMarksTheLastChunkWithTheCount() {
    StreamObserver<ConverseRequest> call =
        AssistantGrpc.newStub(channel).converse(observer(new CompletableFuture<Event>()));
    call.onNext(
        ConverseRequest.newBuilder()
            .setHeader(
                ConverseHeader.newBuilder()
                    .setAudioEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
                    .setSampleRate(16000)
                    .setChannels(1))
            .build());
    assertEquals(RequestKind.REQUEST_KIND_CONVERSE, sink.requests.get(0).getKind());
    for (int i = 0; i < 5; i++) {
      call.onNext(
          ConverseRequest.newBuilder()
              .setAudio(ConverseAudio.newBuilder().setData(ByteString.copyFrom(new byte[500])))
              .build());
    }
    assertEquals(2, sink.audio.size(), "two full 1000-byte records so far");
    call.onNext(ConverseRequest.newBuilder().setEnd(ConverseEnd.getDefaultInstance()).build());
    assertEquals(3, sink.audio.size());
    AudioChunkRecord last = sink.audio.get(2);
    assertTrue(last.getLast());
    assertEquals(3, last.getTotalChunks());
    assertEquals(500, last.getData().size());
    assertEquals(List.of(0, 1, 2), sink.audio.stream().map(AudioChunkRecord::getSeq).toList());
    assertTrue(sink.audio.get(0).hasOptions(), "the first chunk carries the recognizer's options");
  }

  @Test
  void aConverseWhoseRequestCannotBePublishedSendsNoAudioAtAll() throws Exception {
    sink.brokerDown = true;
    CompletableFuture<Event> first = new CompletableFuture<>();
    StreamObserver<ConverseRequest> call = AssistantGrpc.newStub(channel).converse(observer(first));
    call.onNext(
        ConverseRequest.newBuilder()
            .setHeader(
                ConverseHeader.newBuilder()
                    .setAudioEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
                    .setSampleRate(16000)
                    .setChannels(1))
            .build());
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> first.get(5, TimeUnit.SECONDS));
    assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(e.getCause()).getCode());
    assertTrue(sink.controls.get(0).getCancelled(), "the request is cancelled");
    // An empty "last" chunk 0 would reach a recognizer as a request without audio.
    assertEquals(List.of(), sink.audio);
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<T> first) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        first.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        first.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
