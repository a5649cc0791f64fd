package dev.assistant.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnexpectedStatusCodeException;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionSegment;
import com.openai.models.audio.transcriptions.TranscriptionStreamEvent;
import com.openai.models.audio.transcriptions.TranscriptionVerbose;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartInputAudio;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.ConverseRequest;
import dev.assistant.api.v1.Event;
import dev.assistant.gateway.FrontEnd;
import dev.assistant.gateway.Gateway;
import dev.assistant.gateway.openai.OpenAiApi;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible HTTP API with the official OpenAI Java SDK as its client, over the whole
 * pipeline (real broker, whisper.cpp, LLaVA, FreeTTS). Random weights make words meaningless, so
 * the tests check what the API promises: shapes, consistency between formats and between streamed
 * and whole answers, decodable audio, and each error as the SDK's typed exception.
 */
class OpenAiApiIT {
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(3);

  private static EndToEndPipeline pipeline;
  private static OpenAiApi api;
  private static OpenAIClient client;

  @BeforeAll
  static void startPipeline() throws Exception {
    pipeline = EndToEndPipeline.start(Path.of("target", "e2e-models"));
    api = openAiApi(pipeline.gateway());
    client = client(api.baseUrl(), "unused");
  }

  @AfterAll
  static void stopPipeline() {
    if (client != null) {
      client.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private static OpenAiApi openAiApi(Gateway gateway) {
    for (FrontEnd f : gateway.frontEnds()) {
      if (f instanceof OpenAiApi o) {
        return o;
      }
    }
    throw new AssertionError("the gateway started no OpenAI-compatible API");
  }

  private static OpenAIClient client(String baseUrl, String key) {
    // No retries: every refusal must reach the test as the SDK's exception.
    return OpenAIOkHttpClient.builder()
        .baseUrl(baseUrl)
        .apiKey(key)
        .maxRetries(0)
        .timeout(CALL_TIMEOUT)
        .build();
  }

  private static String llm() {
    return Path.of(pipeline.config().require("llm.model.dir")).getFileName().toString();
  }

  private static String stt() {
    return Path.of(pipeline.config().require("stt.model.path"))
        .getFileName()
        .toString()
        .replaceFirst("\\.bin$", "");
  }

  private static String pngDataUrl() {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(TestMedia.png());
  }

  // --- models ---------------------------------------------------------------------------------

  @Test
  void modelsListTheModelOfEachStage() {
    List<String> ids = client.models().list().data().stream().map(Model::id).toList();
    assertEquals(List.of(stt(), llm(), "freetts"), ids);
    assertEquals(llm(), client.models().retrieve(llm()).id());
    assertThrows(NotFoundException.class, () -> client.models().retrieve("gpt-4o"));
  }

  // --- transcriptions -------------------------------------------------------------------------

  @Test
  void transcriptionIsTheSameTextAsJsonVerboseJsonSrtAndAStream() throws Exception {
    byte[] wav = TestMedia.speechWav(3.0);
    String text =
        client
            .audio()
            .transcriptions()
            .create(TranscriptionCreateParams.builder().file(wav).model(stt()).build())
            .asTranscription()
            .text();

    TranscriptionVerbose verbose =
        client
            .audio()
            .transcriptions()
            .create(
                TranscriptionCreateParams.builder()
                    .file(wav)
                    .model(stt())
                    .responseFormat(AudioResponseFormat.VERBOSE_JSON)
                    .addTimestampGranularity(TranscriptionCreateParams.TimestampGranularity.SEGMENT)
                    .build())
            .asVerbose();
    assertEquals(text, verbose.text(), "one recognizer, deterministic: the same text");
    assertEquals(3.0, verbose.duration(), 0.05, "seconds of audio heard");
    List<TranscriptionSegment> segments = verbose.segments().orElseThrow();
    assertFalse(segments.isEmpty(), "segments with timestamps");
    double previousEnd = 0;
    for (TranscriptionSegment s : segments) {
      assertTrue(s.start() >= previousEnd - 1e-6 && s.end() >= s.start(), "ordered: " + s);
      assertTrue(s.end() <= 3.0 + 0.05, "within the audio: " + s);
      assertTrue(text.contains(s.text().strip()), "a segment's text is in the text: " + s);
      previousEnd = s.end();
    }

    String srt;
    try (HttpResponse raw =
        client
            .audio()
            .transcriptions()
            .withRawResponse()
            .create(
                TranscriptionCreateParams.builder()
                    .file(wav)
                    .model(stt())
                    .responseFormat(AudioResponseFormat.SRT)
                    .build())) {
      srt = new String(raw.body().readAllBytes(), StandardCharsets.UTF_8);
    }
    String[] cues = srt.strip().split("\n\n");
    assertEquals(segments.size(), cues.length, srt);
    assertTrue(cues[0].startsWith("1\n00:00:"), srt);
    assertTrue(
        cues[0].split("\n")[1].matches(
            "\\d\\d:\\d\\d:\\d\\d,\\d{3} --> \\d\\d:\\d\\d:\\d\\d,\\d{3}"));

    StringBuilder deltas = new StringBuilder();
    String done = null;
    try (var stream =
        client
            .audio()
            .transcriptions()
            .createStreaming(TranscriptionCreateParams.builder().file(wav).model(stt()).build())) {
      for (TranscriptionStreamEvent e :
          (Iterable<TranscriptionStreamEvent>) stream.stream()::iterator) {
        if (e.isTranscriptTextDelta()) {
          deltas.append(e.asTranscriptTextDelta().delta());
        } else if (e.isTranscriptTextDone()) {
          done = e.asTranscriptTextDone().text();
        }
      }
    }
    assertEquals(text, done, "the streamed transcription ends with the same text");
    assertEquals(text, deltas.toString(), "its deltas add up to it");
  }

  // --- chat completions -----------------------------------------------------------------------

  private static ChatCompletionCreateParams.Builder imageChat() {
    return ChatCompletionCreateParams.builder()
        .model(llm())
        .maxCompletionTokens(5)
        .seed(7)
        .addSystemMessage("Answer briefly.")
        .addUserMessageOfArrayOfContentParts(
            List.of(
                ChatCompletionContentPart.ofText(
                    ChatCompletionContentPartText.builder()
                        .text("What is in the picture?")
                        .build()),
                ChatCompletionContentPart.ofImageUrl(
                    ChatCompletionContentPartImage.builder()
                        .imageUrl(
                            ChatCompletionContentPartImage.ImageUrl.builder()
                                .url(pngDataUrl())
                                .build())
                        .build())));
  }

  @Test
  void chatWithAnImageStreamsTheSameAnswerItGivesWhole() {
    ChatCompletion whole = client.chat().completions().create(imageChat().build());
    String answer = whole.choices().get(0).message().content().orElse("");
    CompletionUsage usage = whole.usage().orElseThrow();
    assertTrue(usage.completionTokens() >= 1 && usage.completionTokens() <= 5, usage.toString());
    assertTrue(usage.promptTokens() > 10, "image positions count as prompt: " + usage);
    assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
    assertTrue(whole.id().startsWith("chatcmpl-"));
    assertEquals(llm(), whole.model());

    StringBuilder deltas = new StringBuilder();
    List<CompletionUsage> usages = new ArrayList<>();
    List<String> finishes = new ArrayList<>();
    try (var stream =
        client
            .chat()
            .completions()
            .createStreaming(
                imageChat()
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                    .build())) {
      for (ChatCompletionChunk c : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
        c.usage().ifPresent(usages::add);
        for (ChatCompletionChunk.Choice choice : c.choices()) {
          choice.delta().content().ifPresent(deltas::append);
          choice.finishReason().ifPresent(f -> finishes.add(f.asString()));
        }
      }
    }
    assertEquals(answer, deltas.toString(), "deltas concatenate to the whole answer (same seed)");
    assertEquals(1, usages.size(), "one usage chunk at the end");
    assertEquals(usage.completionTokens(), usages.get(0).completionTokens());
    assertEquals(List.of(whole.choices().get(0).finishReason().asString()), finishes);
  }

  @Test
  void aStopStringCutsTheAnswerWhereItFirstAppears() {
    ChatCompletionCreateParams.Builder chat =
        ChatCompletionCreateParams.builder()
            .model(llm())
            .maxCompletionTokens(6)
            .seed(11)
            .addUserMessage("Tell me a story.");
    String full =
        client
            .chat()
            .completions()
            .create(chat.build())
            .choices()
            .get(0)
            .message()
            .content()
            .orElse("");
    assertTrue(full.length() >= 2, "an answer to cut: '" + full + "'");
    String stop = full.substring(full.length() / 2, full.length() / 2 + 1);
    ChatCompletion cut = client.chat().completions().create(chat.stop(stop).build());
    assertEquals(
        full.substring(0, full.indexOf(stop)),
        cut.choices().get(0).message().content().orElse(""),
        "cut before '" + stop + "' of '" + full + "'");
    assertEquals("stop", cut.choices().get(0).finishReason().asString());
  }

  @Test
  void inputAudioIsTranscribedThenAnswered() {
    String wav = Base64.getEncoder().encodeToString(TestMedia.speechWav(2.0));
    ChatCompletion c =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model(llm())
                    .maxCompletionTokens(3)
                    .addUserMessageOfArrayOfContentParts(
                        List.of(
                            ChatCompletionContentPart.ofInputAudio(
                                ChatCompletionContentPartInputAudio.builder()
                                    .inputAudio(
                                        ChatCompletionContentPartInputAudio.InputAudio.builder()
                                            .data(wav)
                                            .format(
                                                ChatCompletionContentPartInputAudio.InputAudio
                                                    .Format.WAV)
                                            .build())
                                    .build())))
                    .build());
    assertTrue(c.usage().orElseThrow().completionTokens() >= 1, c.toString());
  }

  // --- speech ---------------------------------------------------------------------------------

  @Test
  void speechIsAWavThatDecodes() throws Exception {
    byte[] bytes;
    try (HttpResponse response =
        client
            .audio()
            .speech()
            .create(
                SpeechCreateParams.builder()
                    .model("freetts")
                    .voice("alloy")
                    .input("Hello there. This is a test of streamed speech.")
                    .responseFormat(SpeechCreateParams.ResponseFormat.WAV)
                    .build())) {
      assertEquals("audio/wav", response.headers().values("Content-Type").get(0));
      bytes = response.body().readAllBytes();
    }
    try (AudioInputStream audio =
        AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes))) {
      AudioFormat f = audio.getFormat();
      assertEquals(24_000f, f.getSampleRate());
      assertEquals(16, f.getSampleSizeInBits());
      assertEquals(1, f.getChannels());
      byte[] pcm = audio.readAllBytes();
      assertEquals(bytes.length - 44, pcm.length, "every byte after the header is audio");
      double seconds = pcm.length / 2.0 / 24_000;
      assertTrue(seconds > 1.0 && seconds < 20, "two sentences of speech: " + seconds + " s");
      assertTrue(rms(pcm) > 100, "not silence: rms " + rms(pcm));
    }
  }

  private static double rms(byte[] pcm) {
    ByteBuffer b = ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN);
    double sum = 0;
    int n = pcm.length / 2;
    for (int i = 0; i < n; i++) {
      double s = b.getShort();
      sum += s * s;
    }
    return Math.sqrt(sum / Math.max(1, n));
  }

  // --- errors ---------------------------------------------------------------------------------

  @Test
  void invalidRequestsAre400WithTheReason() {
    BadRequestException http =
        assertThrows(
            BadRequestException.class,
            () ->
                client
                    .chat()
                    .completions()
                    .create(
                        ChatCompletionCreateParams.builder()
                            .model(llm())
                            .addUserMessageOfArrayOfContentParts(
                                List.of(
                                    ChatCompletionContentPart.ofImageUrl(
                                        ChatCompletionContentPartImage.builder()
                                            .imageUrl(
                                                ChatCompletionContentPartImage.ImageUrl.builder()
                                                    .url("https://example.com/cat.png")
                                                    .build())
                                            .build())))
                            .build()));
    assertTrue(http.getMessage().contains("does not fetch"), http.getMessage());
    assertEquals("invalid_request_error", http.type().orElseThrow());

    // Refused by the recognizer, not the front end: the stage's error event becomes the 400.
    BadRequestException corrupt =
        assertThrows(
            BadRequestException.class,
            () ->
                client
                    .audio()
                    .transcriptions()
                    .create(
                        TranscriptionCreateParams.builder()
                            .file(TestMedia.corruptFlac())
                            .model(stt())
                            .build()));
    assertFalse(corrupt.getMessage().isBlank());
  }

  @Test
  void anUnknownModelIs404() {
    NotFoundException e =
        assertThrows(
            NotFoundException.class,
            () ->
                client
                    .chat()
                    .completions()
                    .create(
                        ChatCompletionCreateParams.builder()
                            .model("gpt-4o")
                            .addUserMessage("hi")
                            .build()));
    assertEquals("model_not_found", e.code().orElseThrow());
  }

  @Test
  void audioOverTheGatewaysLimitIs413() {
    byte[] tooLong = TestMedia.speechWav(EndToEndPipeline.MAX_AUDIO_SECONDS + 5);
    UnexpectedStatusCodeException e =
        assertThrows(
            UnexpectedStatusCodeException.class,
            () ->
                client
                    .audio()
                    .transcriptions()
                    .create(
                        TranscriptionCreateParams.builder().file(tooLong).model(stt()).build()));
    assertEquals(413, e.statusCode());
    assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
  }

  @Test
  void keysAreRequiredWhenConfiguredAndBodiesAreBounded() throws Exception {
    OpenAiApi guarded =
        OpenAiApi.start(
            pipeline
                .config()
                .with("gateway.openai.port", "0")
                .with("gateway.openai.api.keys", "k-one, k-two")
                .with("gateway.openai.max.body.bytes", "64KiB"),
            pipeline.gateway().localChannel());
    OpenAIClient wrong = client(guarded.baseUrl(), "k-three");
    OpenAIClient right = client(guarded.baseUrl(), "k-two");
    try {
      UnauthorizedException e =
          assertThrows(UnauthorizedException.class, () -> wrong.models().list());
      assertEquals("invalid_api_key", e.code().orElseThrow());
      assertEquals(3, right.models().list().data().size());
      UnexpectedStatusCodeException large =
          assertThrows(
              UnexpectedStatusCodeException.class,
              () ->
                  right
                      .audio()
                      .transcriptions()
                      .create(
                          TranscriptionCreateParams.builder()
                              .file(TestMedia.speechWav(5.0))
                              .model(stt())
                              .build()));
      assertEquals(413, large.statusCode());
    } finally {
      wrong.close();
      right.close();
      guarded.close();
    }
  }

  @Test
  void anUnreachableGatewayIs503() throws Exception {
    ManagedChannel nowhere =
        InProcessChannelBuilder.forName("no-gateway-" + UUID.randomUUID()).build();
    OpenAiApi orphan = OpenAiApi.start(pipeline.config().with("gateway.openai.port", "0"), nowhere);
    OpenAIClient c = client(orphan.baseUrl(), "x");
    try {
      OpenAIServiceException e =
          assertThrows(
              InternalServerException.class,
              () ->
                  c.chat()
                      .completions()
                      .create(
                          ChatCompletionCreateParams.builder()
                              .model(llm())
                              .addUserMessage("hi")
                              .build()));
      assertEquals(503, e.statusCode());
    } finally {
      c.close();
      orphan.close();
      nowhere.shutdownNow();
    }
  }

  /**
   * A second gateway that admits one call at a time: a Converse that waits for audio holds the
   * slot, so the next request is refused by admission control with its retry hint.
   */
  @Test
  void aFullGatewayIs429WithRetryAfter() throws Exception {
    String id = "e2e-full-" + UUID.randomUUID().toString().substring(0, 6);
    try (Gateway full =
        new Gateway(
                pipeline
                    .config()
                    .with("gateway.id", id)
                    .with("gateway.max.inflight", "1")
                    .with("gateway.retry.after", "2500ms")
                    .with("gateway.coordinator.enabled", "false")
                    .with("gateway.openai.port", "0"),
                InProcessServerBuilder.forName(id))
            .start()) {
      ManagedChannel channel = InProcessChannelBuilder.forName(id).build();
      CountDownLatch accepted = new CountDownLatch(1);
      StreamObserver<ConverseRequest> holder =
          AssistantGrpc.newStub(channel)
              .withDeadlineAfter(120, TimeUnit.SECONDS)
              .converse(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(Event e) {
                      if (e.hasAccepted()) {
                        accepted.countDown();
                      }
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
      holder.onNext(
          ConverseRequest.newBuilder()
              .setHeader(
                  ConverseHeader.newBuilder()
                      .setAudioEncoding(AudioEncoding.AUDIO_ENCODING_WAV)
                      .setOptions(
                          dev.assistant.api.v1.RequestOptions.newBuilder().setSkipSpeech(true)))
              .build());
      assertTrue(accepted.await(60, TimeUnit.SECONDS), "the slot-holding call was accepted");
      OpenAIClient c = client(openAiApi(full).baseUrl(), "x");
      try {
        RateLimitException e =
            assertThrows(
                RateLimitException.class,
                () ->
                    c.chat()
                        .completions()
                        .create(
                            ChatCompletionCreateParams.builder()
                                .model(llm())
                                .addUserMessage("hi")
                                .build()));
        assertEquals(List.of("2500"), e.headers().values("retry-after-ms"));
        assertEquals(List.of("3"), e.headers().values("retry-after"));
        assertTrue(e.getMessage().contains("in flight"), e.getMessage());
      } finally {
        c.close();
        holder.onError(new RuntimeException("test done"));
        channel.shutdownNow();
      }
    }
  }
}
