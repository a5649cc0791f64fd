package dev.assistant.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.AudioInput;
import dev.assistant.api.v1.CancelRequest;
import dev.assistant.api.v1.CancelResponse;
import dev.assistant.api.v1.ConverseAudio;
import dev.assistant.api.v1.ConverseEnd;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.ConverseRequest;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.Image;
import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Spectrogram;
import dev.assistant.api.v1.Stage;
import dev.assistant.api.v1.SubmitRequest;
import dev.assistant.api.v1.SubmitResponse;
import dev.assistant.api.v1.Transcript;
import dev.assistant.api.v1.WatchRequest;
import dev.assistant.common.testing.TopicReader;
import dev.assistant.internal.v1.DeadLetter;
import dev.assistant.internal.v1.ResultRecord;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole assistant through its public gRPC API with the real stage backends: whisper.cpp on a
 * generated ggml model, LLaVA (NF4) on a generated checkpoint with the real tokenizer, FreeTTS, the
 * transactional workers, the coordinator and the gateway, on a real (in-JVM) Kafka broker.
 *
 * <p>One pipeline serves every test. Random weights make transcripts and answers gibberish, so the
 * tests check structure, order, consistency and error handling, never words.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(180);
  private static final int FREETTS_RATE = 16_000;

  private static EndToEndPipeline pipeline;

  @TempDir static Path work;

  @BeforeAll
  static void startPipeline() throws Exception {
    pipeline = EndToEndPipeline.start(Path.of("target", "e2e-models"));
  }

  @AfterAll
  static void stopPipeline() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  // --- happy paths ------------------------------------------------------------------------------

  @Test
  @Order(1)
  void askWithSpeechImageAndPromptStreamsEveryStageInOrder() throws Exception {
    RequestOptions options =
        RequestOptions.newBuilder()
            .setOutputFormat(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_WAV)
            .setOutputSampleRate(24_000)
            .setMaxTokens(12)
            .build();
    List<Event> events =
        askOk(
            AskRequest.newBuilder()
                .setPrompt("What do you see?")
                .setImage(png(TestMedia.png()))
                .setAudio(AudioInput.newBuilder().setData(bytes(TestMedia.speechWav(3.0))))
                .setOptions(options)
                .build());

    EventChecks.wellFormed(events);
    Transcript transcript = EventChecks.transcripts(events, 0);
    assertEquals(3.0, transcript.getAudioSeconds(), 0.01, "seconds of audio heard");
    String answer = EventChecks.answer(events);
    EventChecks.audio(events, OutputAudioFormat.OUTPUT_AUDIO_FORMAT_WAV, 24_000, answer);
    ByteString firstWav =
        events.stream().filter(Event::hasAudio).findFirst().orElseThrow().getAudio().getData();
    assertEquals(24_000, wavSampleRate(firstWav), "the WAV header carries the requested rate");
    EventChecks.completedWithTimings(
        events, Set.of(Stage.STAGE_STT, Stage.STAGE_LLM, Stage.STAGE_TTS));
  }

  @Test
  @Order(2)
  void converseStreamingFlacYieldsPartialTranscriptsBeforeTheFinalOne() throws Exception {
    byte[] flac = TestMedia.flac(TestMedia.speechWav(12.0), work);
    List<Event> events = converse(flac, AudioEncoding.AUDIO_ENCODING_FLAC, 8 * 1024);
    EventChecks.wellFormed(events);
    // 12 s decoded in 5 s windows: partial transcripts after the first and second windows.
    Transcript transcript = EventChecks.transcripts(events, 1);
    assertEquals(12.0, transcript.getAudioSeconds(), 0.01);
    String answer = EventChecks.answer(events);
    EventChecks.audio(events, OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16, FREETTS_RATE, answer);
    EventChecks.completedWithTimings(
        events, Set.of(Stage.STAGE_STT, Stage.STAGE_LLM, Stage.STAGE_TTS));
  }

  @Test
  @Order(3)
  void converseStreamingMp3Completes() throws Exception {
    byte[] mp3 = TestMedia.mp3(TestMedia.speechWav(7.0), work);
    List<Event> events = converse(mp3, AudioEncoding.AUDIO_ENCODING_MP3, 4 * 1024);
    EventChecks.wellFormed(events);
    Transcript transcript = EventChecks.transcripts(events, 1);
    // The encoder adds priming silence and pads the last frame.
    assertEquals(7.0, transcript.getAudioSeconds(), 0.2);
    EventChecks.answer(events);
    EventChecks.completedWithTimings(
        events, Set.of(Stage.STAGE_STT, Stage.STAGE_LLM, Stage.STAGE_TTS));
  }

  @Test
  @Order(4)
  void textOnlyRequestSkipsSpeechRecognition() throws Exception {
    List<Event> events = askOk(AskRequest.newBuilder().setPrompt("Tell me a story.").build());
    EventChecks.wellFormed(events);
    assertTrue(events.stream().noneMatch(Event::hasTranscript), "no transcript without audio");
    String answer = EventChecks.answer(events);
    EventChecks.audio(events, OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16, FREETTS_RATE, answer);
    EventChecks.completedWithTimings(events, Set.of(Stage.STAGE_LLM, Stage.STAGE_TTS));
  }

  @Test
  @Order(5)
  void imageOnlyRequestWithSkipSpeechHasNeitherTranscriptNorAudio() throws Exception {
    List<Event> events =
        askOk(
            AskRequest.newBuilder()
                .setImage(png(TestMedia.png()))
                .setOptions(RequestOptions.newBuilder().setSkipSpeech(true))
                .build());
    EventChecks.wellFormed(events);
    assertTrue(events.stream().noneMatch(Event::hasTranscript), "no transcript without audio");
    assertTrue(events.stream().noneMatch(Event::hasAudio), "no audio with skip_speech");
    assertTrue(events.stream().noneMatch(Event::hasSpectrogram), "no spectrogram either");
    EventChecks.answer(events);
    EventChecks.completedWithTimings(events, Set.of(Stage.STAGE_LLM));
  }

  @Test
  @Order(6)
  void spectrogramRequestGetsOnePngPerSpokenSentence() throws Exception {
    List<Event> events =
        askOk(
            AskRequest.newBuilder()
                .setPrompt("Describe the weather.")
                .setOptions(RequestOptions.newBuilder().setSpectrogram(true).setMaxTokens(16))
                .build());
    EventChecks.wellFormed(events);
    String answer = EventChecks.answer(events);
    Set<Integer> sentences =
        EventChecks.audio(
            events, OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16, FREETTS_RATE, answer);
    List<Spectrogram> pictures =
        events.stream().filter(Event::hasSpectrogram).map(Event::getSpectrogram).toList();
    Set<Integer> pictured =
        pictures.stream()
            .map(Spectrogram::getSentenceIndex)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(sentences.size(), pictures.size(), "one picture per sentence");
    assertEquals(sentences, pictured, "a picture for every spoken sentence");
    for (Spectrogram s : pictures) {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(s.getPng().toByteArray()));
      assertNotNull(img, "the spectrogram is a PNG");
      assertTrue(img.getWidth() > 1 && img.getHeight() > 1);
    }
    EventChecks.completedWithTimings(events, Set.of(Stage.STAGE_LLM, Stage.STAGE_TTS));
  }

  @Test
  @Order(7)
  void submittingTwiceRunsOnceAndWatchReplaysTheWholeStream() throws Exception {
    String id = "e2e-batch-" + UUID.randomUUID();
    AskRequest request =
        AskRequest.newBuilder()
            .setRequestId(id)
            .setPrompt("Summarize the news.")
            .setAudio(AudioInput.newBuilder().setData(bytes(TestMedia.speechWav(2.0))))
            .build();
    SubmitResponse first =
        blocking().submit(SubmitRequest.newBuilder().setRequest(request).build());
    SubmitResponse second =
        blocking().submit(SubmitRequest.newBuilder().setRequest(request).build());
    assertFalse(first.getDuplicate(), "the first submission is new");
    assertTrue(second.getDuplicate(), "the second submission is a duplicate");
    assertEquals(first.getAcceptedAt(), second.getAcceptedAt());

    EventRecorder watch = new EventRecorder();
    stub().watch(WatchRequest.newBuilder().setRequestId(id).setFromSequence(1).build(), watch);
    assertEquals(Status.Code.OK, watch.awaitEnd(CALL_TIMEOUT).getCode());
    List<Event> events = watch.events();
    EventChecks.wellFormed(events);
    assertEquals(id, events.get(0).getRequestId());
    EventChecks.transcripts(events, 0);
    String answer = EventChecks.answer(events);
    EventChecks.audio(events, OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16, FREETTS_RATE, answer);
    EventChecks.completedWithTimings(
        events, Set.of(Stage.STAGE_STT, Stage.STAGE_LLM, Stage.STAGE_TTS));

    try (var results =
        new TopicReader<>(pipeline.config(), pipeline.topics().results(), ResultRecord.parser())) {
      results.readUntil(
          l -> l.stream().anyMatch(r -> r.getRequestId().equals(id)), Duration.ofSeconds(60));
      Thread.sleep(2000); // a second run of the work would have produced its result by now
      List<ResultRecord> mine =
          results.readUntil(l -> false, Duration.ofMillis(500)).stream()
              .filter(r -> r.getRequestId().equals(id))
              .toList();
      assertEquals(1, mine.size(), "exactly one result record");
      assertEquals(0, mine.get(0).getStatusCode());
      assertEquals(answer, mine.get(0).getAnswer().getText());
      assertTrue(mine.get(0).getTranscript().getFinal());
    }
  }

  // --- bad input --------------------------------------------------------------------------------

  @Test
  @Order(10)
  void corruptFlacIsRefusedByTheRecognizerAndDeadLettered() throws Exception {
    String id = "e2e-corrupt-flac-" + UUID.randomUUID();
    Failure f =
        askFailing(
            AskRequest.newBuilder()
                .setRequestId(id)
                .setPrompt("What did I say?")
                .setAudio(
                    AudioInput.newBuilder()
                        .setEncoding(AudioEncoding.AUDIO_ENCODING_FLAC)
                        .setData(bytes(TestMedia.corruptFlac())))
                .build());
    f.assertStageError(Status.Code.INVALID_ARGUMENT, Stage.STAGE_STT);
    String reason = f.status.getDescription();
    assertTrue(reason.contains("FLAC") && !reason.contains("null"), reason);
    DeadLetter d = deadLetter(id);
    assertEquals(Stage.STAGE_STT, d.getStage());
    assertEquals(pipeline.topics().audioChunks(), d.getTopic());
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), d.getCode());
    assertFalse(d.getReason().isEmpty());
  }

  @Test
  @Order(11)
  void truncatedPngIsRefusedByTheLanguageModelAndDeadLettered() throws Exception {
    String id = "e2e-truncated-png-" + UUID.randomUUID();
    Failure f =
        askFailing(
            AskRequest.newBuilder()
                .setRequestId(id)
                .setPrompt("What is this?")
                .setImage(png(TestMedia.truncatedPng()))
                .build());
    f.assertStageError(Status.Code.INVALID_ARGUMENT, Stage.STAGE_LLM);
    assertTrue(f.status.getDescription().contains("image"), f.status.getDescription());
    DeadLetter d = deadLetter(id);
    assertEquals(Stage.STAGE_LLM, d.getStage());
    assertEquals(pipeline.topics().llmRequests(), d.getTopic());
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), d.getCode());
  }

  @Test
  @Order(12)
  void wavLongerThanTheLimitIsRefused() throws Exception {
    double seconds = EndToEndPipeline.MAX_AUDIO_SECONDS + 5;
    Failure f =
        askFailing(
            AskRequest.newBuilder()
                .setRequestId("e2e-long-wav-" + UUID.randomUUID())
                .setAudio(AudioInput.newBuilder().setData(bytes(TestMedia.speechWav(seconds))))
                .build());
    assertEquals(Status.Code.INVALID_ARGUMENT, f.status.getCode());
    assertTrue(
        f.status.getDescription().contains("limit of " + EndToEndPipeline.MAX_AUDIO_SECONDS + " s"),
        f.status.getDescription());
    assertTrue(f.events.stream().noneMatch(Event::hasTranscript), "nothing was transcribed");
  }

  @Test
  @Order(13)
  void unknownVoiceIsRefusedBySpeechSynthesis() throws Exception {
    String id = "e2e-unknown-voice-" + UUID.randomUUID();
    Failure f =
        askFailing(
            AskRequest.newBuilder()
                .setRequestId(id)
                .setPrompt("Say something.")
                .setOptions(RequestOptions.newBuilder().setVoice("no-such-voice"))
                .build());
    f.assertStageError(Status.Code.INVALID_ARGUMENT, Stage.STAGE_TTS);
    assertTrue(f.status.getDescription().contains("no-such-voice"), f.status.getDescription());
    assertEquals(1, f.events.stream().filter(Event::hasAnswer).count(), "the answer came first");
    assertEquals(Stage.STAGE_TTS, deadLetter(id).getStage());
  }

  @Test
  @Order(14)
  void imageOverTheLimitIsRefusedAtTheGateway() throws Exception {
    Failure f =
        askFailing(
            AskRequest.newBuilder()
                .setPrompt("And this?")
                .setImage(png(TestMedia.oversizedPng()))
                .build());
    assertEquals(Status.Code.INVALID_ARGUMENT, f.status.getCode());
    assertEquals(
        "image: "
            + TestMedia.oversizedPng().length
            + " bytes exceeds the limit of "
            + EndToEndPipeline.MAX_IMAGE_BYTES,
        f.status.getDescription());
    assertTrue(f.events.isEmpty(), "refused before anything was accepted: " + f.events);
  }

  @Test
  @Order(15)
  void cancellingARunningRequestEndsItWithCancelled() throws Exception {
    String id = "e2e-cancel-" + UUID.randomUUID();
    EventRecorder call = new EventRecorder();
    stub()
        .ask(
            AskRequest.newBuilder()
                .setRequestId(id)
                .setPrompt("Write a very long essay about rivers.")
                .setOptions(
                    RequestOptions.newBuilder()
                        .setMaxTokens(EndToEndPipeline.MAX_TOKENS_LIMIT)
                        .setSkipSpeech(true))
                .build(),
            call);
    call.awaitEvent(Event::hasAnswerDelta, CALL_TIMEOUT);
    CancelResponse cancelled =
        blocking().cancel(CancelRequest.newBuilder().setRequestId(id).build());
    assertTrue(cancelled.getWasRunning(), "the request was still running");
    assertEquals(id, cancelled.getRequestId());

    Status status = call.awaitEnd(CALL_TIMEOUT);
    assertEquals(Status.Code.CANCELLED, status.getCode(), String.valueOf(status));
    List<Event> events = call.events();
    EventChecks.wellFormed(events);
    Event last = events.get(events.size() - 1);
    assertTrue(last.hasError(), "ends with an error event: " + EventChecks.kinds(events));
    assertEquals(Status.Code.CANCELLED.value(), last.getError().getCode());
    assertTrue(events.stream().noneMatch(Event::hasAnswer), "the answer was never finished");
    try (var results =
        new TopicReader<>(pipeline.config(), pipeline.topics().results(), ResultRecord.parser())) {
      ResultRecord result =
          results
              .readUntil(
                  l -> l.stream().anyMatch(r -> r.getRequestId().equals(id)),
                  Duration.ofSeconds(60))
              .stream()
              .filter(r -> r.getRequestId().equals(id))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no result record for " + id));
      assertEquals(Status.Code.CANCELLED.value(), result.getStatusCode(), "recorded as cancelled");
    }
  }

  @Test
  @Order(20)
  void pipelineStillServesEveryStageAfterTheBadInputs() throws Exception {
    List<Event> events =
        askOk(
            AskRequest.newBuilder()
                .setPrompt("Are you still there?")
                .setAudio(AudioInput.newBuilder().setData(bytes(TestMedia.speechWav(2.0))))
                .setImage(png(TestMedia.png()))
                .build());
    EventChecks.wellFormed(events);
    EventChecks.transcripts(events, 0);
    String answer = EventChecks.answer(events);
    EventChecks.audio(events, OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16, FREETTS_RATE, answer);
    EventChecks.completedWithTimings(
        events, Set.of(Stage.STAGE_STT, Stage.STAGE_LLM, Stage.STAGE_TTS));
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** How a refused call ended: its status and the events that came before. */
  private record Failure(Status status, List<Event> events) {
    /** The call ended with {@code code}, after an error event from {@code stage} with a reason. */
    void assertStageError(Status.Code code, Stage stage) {
      assertEquals(code, status.getCode(), String.valueOf(status));
      assertFalse(status.getDescription() == null || status.getDescription().isBlank(), "a reason");
      EventChecks.wellFormed(events);
      Event last = events.get(events.size() - 1);
      assertTrue(last.hasError(), "error event: " + EventChecks.kinds(events));
      assertEquals(code.value(), last.getError().getCode());
      assertEquals(stage, last.getError().getStage(), "failing stage");
      assertEquals(status.getDescription(), last.getError().getMessage());
    }
  }

  private static AssistantGrpc.AssistantStub stub() {
    return AssistantGrpc.newStub(pipeline.channel())
        .withDeadlineAfter(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static AssistantGrpc.AssistantBlockingStub blocking() {
    return AssistantGrpc.newBlockingStub(pipeline.channel())
        .withDeadlineAfter(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static List<Event> askOk(AskRequest request) throws Exception {
    EventRecorder call = new EventRecorder();
    stub().ask(request, call);
    Status status = call.awaitEnd(CALL_TIMEOUT);
    assertEquals(
        Status.Code.OK,
        status.getCode(),
        () -> status + " after " + EventChecks.kinds(call.events()));
    return call.events();
  }

  private static Failure askFailing(AskRequest request) throws Exception {
    EventRecorder call = new EventRecorder();
    stub().ask(request, call);
    Status status = call.awaitEnd(CALL_TIMEOUT);
    assertFalse(status.isOk(), "the call must fail: " + EventChecks.kinds(call.events()));
    return new Failure(status, call.events());
  }

  /** Streams {@code audio} in pieces of {@code piece} bytes through Converse. */
  private static List<Event> converse(byte[] audio, AudioEncoding encoding, int piece)
      throws Exception {
    EventRecorder call = new EventRecorder();
    StreamObserver<ConverseRequest> requests = stub().converse(call);
    requests.onNext(
        ConverseRequest.newBuilder()
            .setHeader(
                ConverseHeader.newBuilder()
                    .setAudioEncoding(encoding)
                    .setPrompt("Answer my question.")
                    .setOptions(RequestOptions.newBuilder().setMaxTokens(10)))
            .build());
    for (int from = 0; from < audio.length; from += piece) {
      int to = Math.min(audio.length, from + piece);
      requests.onNext(
          ConverseRequest.newBuilder()
              .setAudio(
                  ConverseAudio.newBuilder().setData(ByteString.copyFrom(audio, from, to - from)))
              .build());
    }
    requests.onNext(ConverseRequest.newBuilder().setEnd(ConverseEnd.getDefaultInstance()).build());
    requests.onCompleted();
    Status status = call.awaitEnd(CALL_TIMEOUT);
    assertEquals(
        Status.Code.OK,
        status.getCode(),
        () -> status + " after " + EventChecks.kinds(call.events()));
    return call.events();
  }

  private static DeadLetter deadLetter(String requestId) {
    try (var dlq =
        new TopicReader<>(pipeline.config(), pipeline.topics().dlq(), DeadLetter.parser())) {
      return dlq
          .readUntil(
              l -> l.stream().anyMatch(d -> d.getRequestId().equals(requestId)),
              Duration.ofSeconds(60))
          .stream()
          .filter(d -> d.getRequestId().equals(requestId))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no dead letter for " + requestId));
    }
  }

  private static int wavSampleRate(ByteString wav) {
    return ByteBuffer.wrap(wav.substring(24, 28).toByteArray())
        .order(ByteOrder.LITTLE_ENDIAN)
        .getInt();
  }

  private static Image png(byte[] data) {
    return Image.newBuilder().setData(ByteString.copyFrom(data)).build();
  }

  private static ByteString bytes(byte[] data) {
    return ByteString.copyFrom(data);
  }
}
