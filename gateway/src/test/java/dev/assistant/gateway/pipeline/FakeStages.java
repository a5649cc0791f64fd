package dev.assistant.gateway.pipeline;

import com.google.protobuf.Parser;
import dev.assistant.api.v1.Answer;
import dev.assistant.api.v1.AudioChunk;
import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.api.v1.Transcript;
import dev.assistant.common.worker.InvalidInputException;
import dev.assistant.common.worker.StageContext;
import dev.assistant.common.worker.StageHandler;
import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.LlmRequestRecord;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TokenDelta;
import dev.assistant.internal.v1.TtsRequestRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deterministic stand-ins for the three model stages, so the pipeline can be proven on a real
 * broker without models: the "recognizer" reports how many bytes it heard, the "language model"
 * echoes its input word by word, the "synthesizer" returns each sentence's UTF-8 bytes as audio.
 */
final class FakeStages {
  private FakeStages() {}

  static Optional<java.time.Instant> deadline(com.google.protobuf.Timestamp t, boolean has) {
    return has
        ? Optional.of(java.time.Instant.ofEpochSecond(t.getSeconds(), t.getNanos()))
        : Optional.empty();
  }

  /** Audio chunks → one partial per chunk, then "heard N bytes" as the final transcript. */
  static final class Stt implements StageHandler<AudioChunkRecord> {
    private final Map<String, ByteArrayOutputStream> audio = new ConcurrentHashMap<>();
    private final Map<String, Integer> nextChunk = new ConcurrentHashMap<>();

    @Override
    public Parser<AudioChunkRecord> parser() {
      return AudioChunkRecord.parser();
    }

    @Override
    public Optional<java.time.Instant> deadline(AudioChunkRecord r) {
      return FakeStages.deadline(r.getDeadline(), r.hasDeadline());
    }

    @Override
    public boolean handle(AudioChunkRecord chunk, StageContext ctx) throws Exception {
      int expected = nextChunk.getOrDefault(chunk.getRequestId(), 0);
      if (chunk.getSeq() != expected) {
        throw new InvalidInputException(
            "audio chunk " + chunk.getSeq() + " arrived, expected " + expected);
      }
      nextChunk.put(chunk.getRequestId(), expected + 1);
      if (chunk.getData().startsWith(com.google.protobuf.ByteString.copyFromUtf8("CORRUPT"))) {
        throw new InvalidInputException("audio: unrecognized format");
      }
      ByteArrayOutputStream buf =
          audio.computeIfAbsent(chunk.getRequestId(), k -> new ByteArrayOutputStream());
      buf.writeBytes(chunk.getData().toByteArray());
      String text = "heard " + buf.size() + " bytes";
      if (!chunk.getLast()) {
        ctx.emit(StageOutput.newBuilder().setTranscript(Transcript.newBuilder().setText(text)));
        return false;
      }
      ctx.emit(
          StageOutput.newBuilder()
              .setLast(true)
              .setTranscript(
                  Transcript.newBuilder().setFinal(true).setText(text).setLanguage("en")));
      discard(chunk.getRequestId());
      return true;
    }

    @Override
    public void discard(String requestId) {
      audio.remove(requestId);
      nextChunk.remove(requestId);
    }
  }

  /** "You said: <input>. That is all." streamed word by word. */
  static final class Llm implements StageHandler<LlmRequestRecord> {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final long pauseMs;

    Llm(long pauseMs) {
      this.pauseMs = pauseMs;
    }

    static String answerFor(String transcript, String prompt) {
      String said = (transcript + " " + prompt).trim();
      return "You said: " + (said.isEmpty() ? "a picture" : said) + ". That is all.";
    }

    @Override
    public Parser<LlmRequestRecord> parser() {
      return LlmRequestRecord.parser();
    }

    @Override
    public Optional<java.time.Instant> deadline(LlmRequestRecord r) {
      return FakeStages.deadline(r.getDeadline(), r.hasDeadline());
    }

    @Override
    public boolean handle(LlmRequestRecord r, StageContext ctx) throws Exception {
      calls.computeIfAbsent(r.getRequestId(), k -> new AtomicInteger()).incrementAndGet();
      String answer = answerFor(r.getTranscript(), r.getPrompt());
      String[] words = answer.split("(?<= )");
      for (String w : words) {
        if (ctx.isCancelled()) {
          return true;
        }
        ctx.emit(
            StageOutput.newBuilder().setToken(TokenDelta.newBuilder().setText(w).setTokenCount(1)));
        if (pauseMs > 0) {
          Thread.sleep(pauseMs);
        }
      }
      ctx.emit(
          StageOutput.newBuilder()
              .setLast(true)
              .setAnswer(Answer.newBuilder().setText(answer).setFinishReason("stop")));
      return true;
    }
  }

  /** Each sentence's UTF-8 bytes as one "audio" chunk. */
  static final class Tts implements StageHandler<TtsRequestRecord> {
    @Override
    public Parser<TtsRequestRecord> parser() {
      return TtsRequestRecord.parser();
    }

    @Override
    public long sequenceBase(TtsRequestRecord r) {
      return r.getSentenceIndex() * 1000L;
    }

    @Override
    public boolean handle(TtsRequestRecord r, StageContext ctx) {
      ctx.emit(
          StageOutput.newBuilder()
              .setLast(r.getLast())
              .setAudio(
                  AudioChunk.newBuilder()
                      .setFormat(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16)
                      .setSampleRate(16000)
                      .setSentenceIndex(r.getSentenceIndex())
                      .setLastInSentence(true)
                      .setLast(r.getLast())
                      .setText(r.getText())
                      .setData(
                          com.google.protobuf.ByteString.copyFrom(
                              r.getText(), StandardCharsets.UTF_8))));
      return true;
    }
  }
}
