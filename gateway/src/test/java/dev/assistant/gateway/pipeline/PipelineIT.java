package dev.assistant.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.AudioInput;
import dev.assistant.api.v1.CancelRequest;
import dev.assistant.api.v1.ConverseAudio;
import dev.assistant.api.v1.ConverseEnd;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.ConverseRequest;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.Image;
import dev.assistant.api.v1.Stage;
import dev.assistant.api.v1.SubmitRequest;
import dev.assistant.api.v1.SubmitResponse;
import dev.assistant.api.v1.WatchRequest;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.testing.KafkaTestCluster;
import dev.assistant.common.testing.TopicReader;
import dev.assistant.common.worker.StageHandler;
import dev.assistant.common.worker.StageWorker;
import dev.assistant.common.worker.WorkerSettings;
import dev.assistant.gateway.Gateway;
import dev.assistant.internal.v1.DeadLetter;
import dev.assistant.internal.v1.Reply;
import dev.assistant.internal.v1.ResultRecord;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pipeline on a real broker: two gateways (each a coordinator member), three workers with
 * deterministic test handlers, real gRPC (in-process transport).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};

  private static Config config;
  private static Topics topics;
  private static Gateway gatewayA;
  private static Gateway gatewayB;
  private static ManagedChannel channelA;
  private static ManagedChannel channelB;
  private static final List<StageWorker<?>> workers = new ArrayList<>();
  private static StageWorker<?> llmWorker;
  private static FakeStages.Llm llm;

  @BeforeAll
  static void startPipeline() throws Exception {
    config =
        KafkaTestCluster.newConfig(
            Map.of(
                "worker.flush.interval", "10ms",
                "gateway.admission.lag.enabled", "false",
                "gateway.converse.idle.timeout", "2s",
                "coordinator.state.dir",
                    System.getProperty("java.io.tmpdir") + "/pipeline-it-" + UUID.randomUUID()));
    topics = Topics.from(config);
    workers.add(
        worker(
            Stage.STAGE_STT,
            Topics::audioChunks,
            Topics::transcripts,
            new FakeStages.Stt(),
            "stt"));
    llm = new FakeStages.Llm(0);
    llmWorker = worker(Stage.STAGE_LLM, Topics::llmRequests, Topics::llmTokens, llm, "llm-1");
    workers.add(
        worker(
            Stage.STAGE_TTS, Topics::ttsRequests, Topics::audioOut, new FakeStages.Tts(), "tts"));
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    gatewayA = gateway("gw-a-" + suffix);
    gatewayB = gateway("gw-b-" + suffix);
    channelA = InProcessChannelBuilder.forName(gatewayA.id()).directExecutor().build();
    channelB = InProcessChannelBuilder.forName(gatewayB.id()).directExecutor().build();
  }

  private static Gateway gateway(String id) throws Exception {
    return new Gateway(
            config
                .with("gateway.id", id)
                // Two gateways in one JVM: each HTTP front end on a free port.
                .with("gateway.openai.port", "0")
                .with("coordinator.state.dir", config.require("coordinator.state.dir") + "/" + id),
            InProcessServerBuilder.forName(id))
        .start();
  }

  private static <I extends com.google.protobuf.Message> StageWorker<I> worker(
      Stage stage,
      Function<Topics, String> in,
      Function<Topics, String> out,
      StageHandler<I> handler,
      String instance) {
    WorkerSettings s =
        WorkerSettings.from(
            config.with("worker.instance.id", instance).with("worker.concurrency", "8"),
            stage,
            in.apply(topics),
            out.apply(topics),
            topics.dlq(),
            topics.control());
    return new StageWorker<>(s, new KafkaSettings(config), handler, id -> false).start();
  }

  @AfterAll
  static void stopPipeline() {
    channelA.shutdownNow();
    channelB.shutdownNow();
    gatewayA.close();
    gatewayB.close();
    llmWorker.close();
    workers.forEach(StageWorker::close);
  }

  private static List<Event> collect(java.util.Iterator<Event> it) {
    List<Event> events = new ArrayList<>();
    it.forEachRemaining(events::add);
    return events;
  }

  private static AssistantGrpc.AssistantBlockingStub stub(ManagedChannel ch) {
    return AssistantGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static void assertWellFormed(List<Event> events) {
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).getSequence(), "sequence numbers run 1..n without gaps");
    }
    assertTrue(events.get(0).hasAccepted(), "first event is accepted");
    Event last = events.get(events.size() - 1);
    assertTrue(last.hasCompleted() || last.hasError(), "last event is terminal");
    String id = events.get(0).getRequestId();
    assertTrue(events.stream().allMatch(e -> e.getRequestId().equals(id)), "one request only");
  }

  private static String answerText(List<Event> events) {
    StringBuilder sb = new StringBuilder();
    events.stream()
        .filter(Event::hasAnswerDelta)
        .forEach(e -> sb.append(e.getAnswerDelta().getText()));
    return sb.toString();
  }

  private static String spokenText(List<Event> events) {
    List<String> parts = new ArrayList<>();
    events.stream()
        .filter(Event::hasAudio)
        .map(e -> e.getAudio().getData().toString(StandardCharsets.UTF_8))
        .filter(s -> !s.isEmpty())
        .forEach(parts::add);
    return String.join(" ", parts);
  }

  @Test
  @Order(1)
  void askWithAudioStreamsEveryStageInOrder() {
    byte[] wav = wav(3200);
    List<Event> events =
        collect(
            stub(channelA)
                .ask(
                    AskRequest.newBuilder()
                        .setPrompt("and this")
                        .setAudio(AudioInput.newBuilder().setData(ByteString.copyFrom(wav)))
                        .build()));
    assertWellFormed(events);
    List<String> kinds = events.stream().map(e -> e.getPayloadCase().name()).toList();
    int finalTranscript = -1;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).hasTranscript() && events.get(i).getTranscript().getFinal()) {
        finalTranscript = i;
      }
    }
    assertTrue(finalTranscript > 0, "final transcript present: " + kinds);
    assertEquals(
        "heard " + wav.length + " bytes", events.get(finalTranscript).getTranscript().getText());
    int firstDelta = kinds.indexOf("ANSWER_DELTA");
    int answer = kinds.indexOf("ANSWER");
    int firstAudio = kinds.indexOf("AUDIO");
    assertTrue(
        finalTranscript < firstDelta && firstDelta < answer,
        "transcript, then tokens, then answer: " + kinds);
    assertTrue(firstAudio > firstDelta, kinds.toString());
    String expected = FakeStages.Llm.answerFor("heard " + wav.length + " bytes", "and this");
    assertEquals(expected, answerText(events));
    assertEquals(expected, spokenText(events), "every sentence is spoken once, in order");
    Event completed = events.get(events.size() - 1);
    assertTrue(completed.hasCompleted());
    Set<Stage> timed = new HashSet<>();
    completed.getCompleted().getTimingsList().forEach(t -> timed.add(t.getStage()));
    assertEquals(Set.of(Stage.STAGE_STT, Stage.STAGE_LLM, Stage.STAGE_TTS), timed);
  }

  @Test
  @Order(2)
  void textOnlyAndImageOnlyRequestsSkipSpeechRecognition() {
    List<Event> text =
        collect(stub(channelA).ask(AskRequest.newBuilder().setPrompt("hello there").build()));
    assertWellFormed(text);
    assertTrue(text.stream().noneMatch(Event::hasTranscript));
    assertEquals(FakeStages.Llm.answerFor("", "hello there"), answerText(text));

    List<Event> image =
        collect(
            stub(channelB)
                .ask(
                    AskRequest.newBuilder()
                        .setImage(Image.newBuilder().setData(ByteString.copyFrom(PNG)))
                        .build()));
    assertWellFormed(image);
    assertEquals(FakeStages.Llm.answerFor("", ""), answerText(image));
  }

  @Test
  @Order(3)
  void converseStreamsAudioChunksAndAnswers() throws Exception {
    EventCollector collector = new EventCollector();
    StreamObserver<ConverseRequest> requests = AssistantGrpc.newStub(channelB).converse(collector);
    requests.onNext(
        ConverseRequest.newBuilder()
            .setHeader(
                ConverseHeader.newBuilder()
                    .setAudioEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
                    .setSampleRate(16000)
                    .setChannels(1))
            .build());
    int total = 0;
    for (int i = 0; i < 5; i++) {
      byte[] piece = new byte[120_000]; // the gateway re-chunks to 256 KiB records
      total += piece.length;
      requests.onNext(
          ConverseRequest.newBuilder()
              .setAudio(ConverseAudio.newBuilder().setData(ByteString.copyFrom(piece)))
              .build());
    }
    requests.onNext(ConverseRequest.newBuilder().setEnd(ConverseEnd.getDefaultInstance()).build());
    requests.onCompleted();
    List<Event> got = collector.done.get(60, TimeUnit.SECONDS);
    assertWellFormed(got);
    String finalText =
        got.stream()
            .filter(e -> e.hasTranscript() && e.getTranscript().getFinal())
            .findFirst()
            .orElseThrow()
            .getTranscript()
            .getText();
    assertEquals("heard " + total + " bytes", finalText);
    assertTrue(
        got.stream().filter(e -> e.hasTranscript() && !e.getTranscript().getFinal()).count() >= 1,
        "partials stream before the final");
  }

  @Test
  @Order(3)
  void aConverseThatFallsSilentBeforeItsEndIsClosedAfterTheIdleTimeout() throws Exception {
    EventCollector silentAfterHeader = new EventCollector();
    StreamObserver<ConverseRequest> requests =
        AssistantGrpc.newStub(channelA).converse(silentAfterHeader);
    requests.onNext(
        ConverseRequest.newBuilder()
            .setHeader(
                ConverseHeader.newBuilder()
                    .setAudioEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
                    .setSampleRate(16000)
                    .setChannels(1))
            .build());
    requests.onNext(
        ConverseRequest.newBuilder()
            .setAudio(ConverseAudio.newBuilder().setData(ByteString.copyFrom(new byte[3200])))
            .build());
    EventCollector silentFromTheStart = new EventCollector();
    AssistantGrpc.newStub(channelA).converse(silentFromTheStart);
    for (EventCollector call : List.of(silentAfterHeader, silentFromTheStart)) {
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> call.done.get(20, TimeUnit.SECONDS));
      Status status = Status.fromThrowable(e.getCause());
      assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode(), status.toString());
      assertTrue(status.getDescription().contains("gateway.converse.idle.timeout"));
    }
  }

  @Test
  @Order(4)
  void twoHundredConcurrentRequestsOnTwoGatewaysAllCompleteAndEachGatewayGetsOnlyItsOwn()
      throws Exception {
    Map<String, List<Event>> byCall = new ConcurrentHashMap<>();
    List<CompletableFuture<List<Event>>> calls = new ArrayList<>();
    Set<String> idsA = ConcurrentHashMap.newKeySet();
    Set<String> idsB = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 200; i++) {
      boolean onA = i % 2 == 0;
      String id = "conc-" + i + "-" + UUID.randomUUID();
      (onA ? idsA : idsB).add(id);
      EventCollector collector = new EventCollector();
      calls.add(collector.done);
      byCall.put(id, collector.events);
      AssistantGrpc.newStub(onA ? channelA : channelB)
          .withDeadlineAfter(120, TimeUnit.SECONDS)
          .ask(
              AskRequest.newBuilder().setRequestId(id).setPrompt("question " + i).build(),
              collector);
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
    byCall.forEach(
        (id, events) -> {
          assertWellFormed(events);
          assertEquals(id, events.get(0).getRequestId());
          int i = Integer.parseInt(id.split("-")[1]);
          assertEquals(FakeStages.Llm.answerFor("", "question " + i), answerText(events));
        });
    // Reply routing: each gateway's reply topic carries events of its own calls only.
    try (var replies =
        new TopicReader<>(config, topics.repliesFor(gatewayA.id()), Reply.parser())) {
      List<Reply> got =
          replies.readUntil(
              l ->
                  l.stream()
                          .filter(
                              r ->
                                  r.hasEvent()
                                      && idsA.contains(r.getEvent().getRequestId())
                                      && r.getEvent().hasCompleted())
                          .count()
                      >= 100,
              Duration.ofSeconds(30));
      Set<String> seen = new HashSet<>();
      got.stream().filter(Reply::hasEvent).forEach(r -> seen.add(r.getEvent().getRequestId()));
      assertTrue(seen.containsAll(idsA));
      assertTrue(
          Collections.disjoint(seen, idsB), "gateway A received events of gateway B's calls");
    }
  }

  @Test
  @Order(5)
  void resubmittingTheSameIdNeverRunsTheWorkTwice() throws Exception {
    String id = "batch-" + UUID.randomUUID();
    AskRequest request = AskRequest.newBuilder().setRequestId(id).setPrompt("batch job").build();
    SubmitResponse first =
        stub(channelA).submit(SubmitRequest.newBuilder().setRequest(request).build());
    SubmitResponse second =
        stub(channelB).submit(SubmitRequest.newBuilder().setRequest(request).build());
    assertFalse(first.getDuplicate());
    assertTrue(second.getDuplicate());
    assertEquals(first.getAcceptedAt(), second.getAcceptedAt());
    try (var results = new TopicReader<>(config, topics.results(), ResultRecord.parser())) {
      List<ResultRecord> got =
          results.readUntil(
              l -> l.stream().anyMatch(r -> r.getRequestId().equals(id)), Duration.ofSeconds(60));
      Thread.sleep(1500); // anything run twice would have finished by now
      got = results.readUntil(l -> false, Duration.ofMillis(500));
      assertEquals(1, got.stream().filter(r -> r.getRequestId().equals(id)).count());
      ResultRecord r =
          got.stream().filter(x -> x.getRequestId().equals(id)).findFirst().orElseThrow();
      assertEquals(0, r.getStatusCode());
      assertEquals(FakeStages.Llm.answerFor("", "batch job"), r.getAnswer().getText());
    }
    assertEquals(1, llm.calls.get(id).get(), "the model ran once");
    // Ask with the same ID replays the first request's events instead of running it again.
    List<Event> replayed = collect(stub(channelB).ask(request));
    assertWellFormed(replayed);
    assertEquals(1, llm.calls.get(id).get());
  }

  @Test
  @Order(6)
  void watchResumesOnAnotherGatewayFromASequenceNumber() {
    String id = "watch-" + UUID.randomUUID();
    List<Event> original =
        collect(
            stub(channelA)
                .ask(AskRequest.newBuilder().setRequestId(id).setPrompt("resume me").build()));
    assertWellFormed(original);
    List<Event> resumed =
        collect(
            stub(channelB)
                .watch(WatchRequest.newBuilder().setRequestId(id).setFromSequence(3).build()));
    assertEquals(original.subList(2, original.size()), resumed);
  }

  @Test
  @Order(7)
  void unknownIdsAreNotFound() {
    StatusRuntimeException watch =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                collect(
                    stub(channelA)
                        .watch(WatchRequest.newBuilder().setRequestId("no-such-request").build())));
    assertEquals(Status.Code.NOT_FOUND, watch.getStatus().getCode());
    StatusRuntimeException cancel =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub(channelA)
                    .cancel(CancelRequest.newBuilder().setRequestId("no-such-request").build()));
    assertEquals(Status.Code.NOT_FOUND, cancel.getStatus().getCode());
  }

  @Test
  @Order(8)
  void badInputIsRefusedWithAReason() {
    StatusRuntimeException empty =
        assertThrows(
            StatusRuntimeException.class,
            () -> collect(stub(channelA).ask(AskRequest.getDefaultInstance())));
    assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
    assertTrue(empty.getStatus().getDescription().contains("no audio, prompt or image"));
    StatusRuntimeException badImage =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                collect(
                    stub(channelA)
                        .ask(
                            AskRequest.newBuilder()
                                .setImage(
                                    Image.newBuilder()
                                        .setData(ByteString.copyFromUtf8("GIF89a...")))
                                .build())));
    assertEquals(Status.Code.INVALID_ARGUMENT, badImage.getStatus().getCode());
    assertTrue(badImage.getStatus().getDescription().startsWith("image:"));
    StatusRuntimeException badTemp =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                collect(
                    stub(channelA)
                        .ask(
                            AskRequest.newBuilder()
                                .setPrompt("x")
                                .setOptions(
                                    dev.assistant.api.v1.RequestOptions.newBuilder()
                                        .setTemperature(7))
                                .build())));
    assertTrue(badTemp.getStatus().getDescription().contains("options.temperature"));
  }

  @Test
  @Order(9)
  void corruptAudioIsDeadLetteredTheClientIsToldAndTheWorkerKeepsServing() {
    byte[] corrupt = "CORRUPT....".getBytes(StandardCharsets.UTF_8);
    String id = "corrupt-" + UUID.randomUUID();
    try (var dlq = new TopicReader<>(config, topics.dlq(), DeadLetter.parser())) {
      // Raw PCM passes the gateway's format check; the recognizer finds it unusable.
      StatusRuntimeException e =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  collect(
                      stub(channelA)
                          .ask(
                              AskRequest.newBuilder()
                                  .setRequestId(id)
                                  .setAudio(
                                      AudioInput.newBuilder()
                                          .setEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
                                          .setSampleRate(16000)
                                          .setChannels(1)
                                          .setData(
                                              ByteString.copyFrom(
                                                  java.util.Arrays.copyOf(corrupt, 12))))
                                  .build())));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertTrue(
          e.getStatus().getDescription().contains("unrecognized format"),
          e.getStatus().getDescription());
      List<DeadLetter> dead =
          dlq.readUntil(
              l -> l.stream().anyMatch(d -> d.getRequestId().equals(id)), Duration.ofSeconds(30));
      DeadLetter d =
          dead.stream().filter(x -> x.getRequestId().equals(id)).findFirst().orElseThrow();
      assertEquals(Stage.STAGE_STT, d.getStage());
      assertEquals(topics.audioChunks(), d.getTopic());
    }
    askWithAudioStreamsEveryStageInOrder();
  }

  @Test
  @Order(10)
  void killingTheLanguageModelWorkerMidAnswerLosesAndDuplicatesNothing() throws Exception {
    llmWorker.close();
    FakeStages.Llm slow = new FakeStages.Llm(40);
    StageWorker<?> dying =
        worker(Stage.STAGE_LLM, Topics::llmRequests, Topics::llmTokens, slow, "llm-dying");
    String prompt = "one two three four five six seven eight nine ten eleven twelve thirteen";
    EventCollector collector = new EventCollector();
    List<Event> events = collector.events;
    AssistantGrpc.newStub(channelA)
        .withDeadlineAfter(120, TimeUnit.SECONDS)
        .ask(AskRequest.newBuilder().setPrompt(prompt).build(), collector);
    long end = System.currentTimeMillis() + 30_000;
    while (events.stream().filter(Event::hasAnswerDelta).count() < 4
        && System.currentTimeMillis() < end) {
      Thread.sleep(10);
    }
    assertTrue(events.stream().filter(Event::hasAnswerDelta).count() >= 4, "tokens were streaming");
    dying.abort();
    llmWorker =
        worker(
            Stage.STAGE_LLM,
            Topics::llmRequests,
            Topics::llmTokens,
            new FakeStages.Llm(0),
            "llm-2");
    List<Event> got = collector.done.get(90, TimeUnit.SECONDS);
    assertWellFormed(got);
    assertEquals(FakeStages.Llm.answerFor("", prompt), answerText(got));
    assertEquals(FakeStages.Llm.answerFor("", prompt), spokenText(got));
  }

  @Test
  @Order(11)
  void aSubmittedJobHasItsOwnDeadlineNotTheEnqueueCallsAndWatchPastItsEndEndsAtOnce()
      throws Exception {
    llmWorker.close();
    llmWorker =
        worker(
            Stage.STAGE_LLM,
            Topics::llmRequests,
            Topics::llmTokens,
            new FakeStages.Llm(150),
            "llm-slow");
    String words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi";
    String longJob = "job-long-" + UUID.randomUUID();
    String timedJob = "job-timed-" + UUID.randomUUID();
    // Enqueued with a short call deadline; the job itself takes longer than that.
    AssistantGrpc.newBlockingStub(channelA)
        .withDeadlineAfter(1500, TimeUnit.MILLISECONDS)
        .submit(
            SubmitRequest.newBuilder()
                .setRequest(AskRequest.newBuilder().setRequestId(longJob).setPrompt(words))
                .build());
    // An explicit job timeout shorter than the job.
    AssistantGrpc.newBlockingStub(channelA)
        .withDeadlineAfter(1500, TimeUnit.MILLISECONDS)
        .submit(
            SubmitRequest.newBuilder()
                .setRequest(AskRequest.newBuilder().setRequestId(timedJob).setPrompt(words))
                .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                .build());
    try (var results = new TopicReader<>(config, topics.results(), ResultRecord.parser())) {
      List<ResultRecord> got =
          results.readUntil(
              l ->
                  l.stream().filter(r -> r.getRequestId().startsWith("job-")).count() >= 2
                      && l.stream().anyMatch(r -> r.getRequestId().equals(longJob)),
              Duration.ofSeconds(60));
      ResultRecord ok =
          got.stream().filter(r -> r.getRequestId().equals(longJob)).findFirst().orElseThrow();
      assertEquals(0, ok.getStatusCode(), ok.getStatusMessage());
      ResultRecord timed =
          got.stream().filter(r -> r.getRequestId().equals(timedJob)).findFirst().orElseThrow();
      assertEquals(Status.Code.DEADLINE_EXCEEDED.value(), timed.getStatusCode());
    }
    List<Event> all =
        collect(stub(channelB).watch(WatchRequest.newBuilder().setRequestId(longJob).build()));
    assertWellFormed(all);
    long start = System.nanoTime();
    List<Event> past =
        collect(
            stub(channelB)
                .watch(
                    WatchRequest.newBuilder()
                        .setRequestId(longJob)
                        .setFromSequence(all.size() + 5)
                        .build()));
    assertTrue(past.isEmpty());
    assertTrue(
        System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10),
        "a Watch past the end returns at once instead of waiting for its deadline");
  }

  /** Collects a call's events; {@code done} completes with them, or with the call's error. */
  private static final class EventCollector implements StreamObserver<Event> {
    final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<List<Event>> done = new CompletableFuture<>();

    @Override
    public void onNext(Event e) {
      events.add(e);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(events);
    }
  }

  private static byte[] wav(int dataBytes) {
    byte[] b = new byte[44 + dataBytes];
    System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
    System.arraycopy("WAVE".getBytes(StandardCharsets.US_ASCII), 0, b, 8, 4);
    return b;
  }
}
