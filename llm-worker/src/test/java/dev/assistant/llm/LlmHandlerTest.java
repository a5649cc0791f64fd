package dev.assistant.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.Image;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Turn;
import dev.assistant.common.testing.RecordingContext;
import dev.assistant.common.worker.InvalidInputException;
import dev.assistant.internal.v1.LlmRequestRecord;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.llm.backend.FinishReason;
import dev.assistant.llm.backend.GenerationRequest;
import dev.assistant.llm.backend.GenerationResult;
import dev.assistant.llm.backend.InvalidRequestException;
import dev.assistant.llm.backend.TokenListener;
import dev.assistant.llm.backend.VisionLanguageModel;
import dev.assistant.llm.backend.llava.LlavaOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlmHandlerTest {
  /** Streams a fixed answer piece by piece; remembers the request it saw. */
  static final class ScriptedModel implements VisionLanguageModel {
    final List<String> pieces;
    volatile GenerationRequest seen;
    volatile boolean sawCancel;
    RuntimeException failure;

    ScriptedModel(String... pieces) {
      this.pieces = List.of(pieces);
    }

    @Override
    public GenerationResult generate(GenerationRequest request, TokenListener listener)
        throws InterruptedException {
      seen = request;
      if (failure != null) {
        throw failure;
      }
      StringBuilder sb = new StringBuilder();
      for (String p : pieces) {
        if (request.cancelled().getAsBoolean()) {
          sawCancel = true;
          return new GenerationResult(
              sb.toString(), FinishReason.CANCELLED, 7, sb.length(), Duration.ofMillis(3), 0);
        }
        listener.onText(p, 1);
        sb.append(p);
        Thread.sleep(2);
      }
      return new GenerationResult(
          sb.toString(), FinishReason.STOP, 7, pieces.size(), Duration.ofMillis(3), 42.5);
    }

    @Override
    public String describe() {
      return "scripted";
    }

    @Override
    public void close() {}
  }

  private static LlmSettings settings() {
    return new LlmSettings(LlavaOptions.defaults(Path.of(".")), 64, 512, "Describe this image.", 0);
  }

  private static LlmRequestRecord record(String prompt, String transcript, RequestOptions options) {
    return LlmRequestRecord.newBuilder()
        .setRequestId("req-1")
        .setPrompt(prompt)
        .setTranscript(transcript)
        .setOptions(options)
        .build();
  }

  @Test
  void emitsEachPieceAsATokenDeltaThenTheAnswerWithUsage() throws Exception {
    ScriptedModel model = new ScriptedModel("Hel", "lo", " world");
    RecordingContext ctx = new RecordingContext("req-1");
    try (LlmHandler h = new LlmHandler(model, settings(), null)) {
      assertTrue(
          h.handle(
              record("and the weather?", "hi there", RequestOptions.getDefaultInstance()), ctx));
    }
    assertEquals(4, ctx.outputs().size());
    assertEquals("Hel", ctx.outputs().get(0).getToken().getText());
    assertEquals(" world", ctx.outputs().get(2).getToken().getText());
    StageOutput last = ctx.outputs().get(3);
    assertTrue(last.getLast());
    assertEquals("Hello world", last.getAnswer().getText());
    assertEquals("stop", last.getAnswer().getFinishReason());
    assertEquals(7, last.getAnswer().getUsage().getPromptTokens());
    assertEquals(3, last.getAnswer().getUsage().getCompletionTokens());
    assertEquals(42.5, last.getAnswer().getUsage().getTokensPerSecond());
    assertEquals("hi there\nand the weather?", model.seen.prompt());
    assertEquals(64, model.seen.sampling().maxNewTokens());
    assertTrue(model.seen.sampling().isGreedy());
  }

  @Test
  void seedComesFromTheRequestIdUnlessGiven() throws Exception {
    ScriptedModel model = new ScriptedModel("x");
    try (LlmHandler h = new LlmHandler(model, settings(), null)) {
      RequestOptions sampled =
          RequestOptions.newBuilder().setTemperature(0.8f).setTopP(0.9f).setTopK(40).build();
      h.handle(record("q", "", sampled), new RecordingContext("req-1"));
      long derived = model.seen.sampling().seed();
      assertEquals(LlmHandler.seedFor("req-1"), derived);
      assertNotEquals(LlmHandler.seedFor("req-2"), derived);
      h.handle(
          record("q", "", sampled.toBuilder().setSeed(1234).build()),
          new RecordingContext("req-1"));
      assertEquals(1234, model.seen.sampling().seed());
      assertEquals(0.9, model.seen.sampling().topP(), 1e-6);
      assertEquals(40, model.seen.sampling().topK());
    }
  }

  @Test
  void imageWithoutTextUsesTheDefaultImagePromptAndHistoryIsPassedOn() throws Exception {
    ScriptedModel model = new ScriptedModel("ok");
    LlmRequestRecord r =
        LlmRequestRecord.newBuilder()
            .setRequestId("req-1")
            .setImage(Image.newBuilder().setData(ByteString.copyFrom(new byte[] {1, 2, 3})))
            .setOptions(
                RequestOptions.newBuilder()
                    .addHistory(Turn.newBuilder().setRole("user").setText("earlier"))
                    .addHistory(Turn.newBuilder().setRole("assistant").setText("answer"))
                    .setSystemPrompt("Be brief."))
            .build();
    try (LlmHandler h = new LlmHandler(model, settings(), null)) {
      h.handle(r, new RecordingContext("req-1"));
    }
    assertEquals("Describe this image.", model.seen.prompt());
    assertEquals(3, model.seen.image().orElseThrow().length);
    assertEquals(2, model.seen.history().size());
    assertEquals("Be brief.", model.seen.systemPrompt());
  }

  @Test
  void rejectsRequestsThatCanNeverSucceed() {
    try (LlmHandler h = new LlmHandler(new ScriptedModel("x"), settings(), null)) {
      RecordingContext ctx = new RecordingContext("req-1");
      assertThrows(
          InvalidInputException.class,
          () -> h.handle(record("", "  ", RequestOptions.getDefaultInstance()), ctx));
      assertThrows(
          InvalidInputException.class,
          () ->
              h.handle(
                  record("q", "", RequestOptions.newBuilder().setMaxTokens(100_000).build()), ctx));
      assertThrows(
          InvalidInputException.class,
          () ->
              h.handle(
                  record(
                      "q",
                      "",
                      RequestOptions.newBuilder()
                          .addHistory(Turn.newBuilder().setRole("robot"))
                          .build()),
                  ctx));
      assertTrue(ctx.outputs().isEmpty());
    }
    ScriptedModel failing = new ScriptedModel("x");
    failing.failure = new InvalidRequestException("image: corrupt");
    try (LlmHandler h = new LlmHandler(failing, settings(), null)) {
      InvalidInputException e =
          assertThrows(
              InvalidInputException.class,
              () ->
                  h.handle(
                      record("q", "", RequestOptions.getDefaultInstance()),
                      new RecordingContext("r")));
      assertTrue(e.getMessage().contains("corrupt"));
    }
  }

  @Test
  void cancellationReachesTheModelAndTheAnswerSaysCancelled() throws Exception {
    String[] many = new String[500];
    java.util.Arrays.fill(many, "a");
    ScriptedModel model = new ScriptedModel(many);
    RecordingContext ctx = new RecordingContext("req-1");
    ctx.cancel();
    try (LlmHandler h = new LlmHandler(model, settings(), null)) {
      h.handle(record("q", "", RequestOptions.getDefaultInstance()), ctx);
    }
    assertTrue(model.sawCancel);
    StageOutput last = ctx.outputs().get(ctx.outputs().size() - 1);
    assertEquals("cancelled", last.getAnswer().getFinishReason());
    assertFalse(ctx.outputs().size() > 100, "stopped early: " + ctx.outputs().size());
  }
}
