package dev.assistant.stt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Transcript;
import dev.assistant.audio.AudioDecoder;
import dev.assistant.audio.AudioLimits;
import dev.assistant.audio.WavWriter;
import dev.assistant.common.testing.RecordingContext;
import dev.assistant.common.worker.InvalidInputException;
import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.stt.backend.SpeechToText;
import dev.assistant.stt.backend.TinyModels;
import dev.assistant.stt.backend.Transcription;
import dev.assistant.stt.backend.TranscriptionOptions;
import dev.assistant.stt.backend.WhisperJniSpeechToText;
import dev.assistant.stt.backend.WhisperOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The handler with the real backend on the tiny generated model. */
class SttHandlerTest {
  private static WhisperJniSpeechToText stt;
  private SttHandler handler;

  @BeforeAll
  static void load() throws Exception {
    stt = WhisperJniSpeechToText.open(new WhisperOptions(TinyModels.multilingual(), 1, 1, 0f, 10));
  }

  @AfterAll
  static void close() {
    stt.close();
  }

  @org.junit.jupiter.api.BeforeEach
  void newHandler() {
    handler =
        new SttHandler(
            stt, new AudioDecoder(16_000, AudioLimits.DEFAULT), SttDefaults.NONE, 8L << 20);
  }

  static List<AudioChunkRecord> chunks(String id, byte[] data, int chunkBytes, RequestOptions o) {
    List<AudioChunkRecord> out = new ArrayList<>();
    int n = Math.max(1, (data.length + chunkBytes - 1) / chunkBytes);
    for (int i = 0; i < n; i++) {
      AudioChunkRecord.Builder b =
          AudioChunkRecord.newBuilder()
              .setRequestId(id)
              .setSeq(i)
              .setData(
                  ByteString.copyFrom(
                      data, i * chunkBytes, Math.min(chunkBytes, data.length - i * chunkBytes)));
      if (i == 0) {
        b.setEncoding(AudioEncoding.AUDIO_ENCODING_WAV).setOptions(o);
      }
      if (i == n - 1) {
        b.setLast(true).setTotalChunks(n);
      }
      out.add(b.build());
    }
    return out;
  }

  static byte[] wav(double seconds) {
    return WavWriter.toWav(TinyModels.speechLike(seconds), 16_000);
  }

  @Test
  void assemblesChunksAndEmitsPartialsThenOneFinal() throws Exception {
    RecordingContext ctx = new RecordingContext("r1");
    List<AudioChunkRecord> records =
        chunks("r1", wav(22), 64 * 1024, RequestOptions.newBuilder().setLanguage("en").build());
    for (int i = 0; i < records.size(); i++) {
      boolean done = handler.handle(records.get(i), ctx);
      assertEquals(i == records.size() - 1, done);
    }
    List<StageOutput> out = ctx.outputs();
    assertTrue(out.size() >= 3, "two 10 s partials and a final, got " + out.size());
    for (int i = 0; i < out.size() - 1; i++) {
      assertFalse(out.get(i).getTranscript().getFinal());
      assertFalse(out.get(i).getLast());
    }
    StageOutput last = out.get(out.size() - 1);
    Transcript t = last.getTranscript();
    assertTrue(t.getFinal());
    assertTrue(last.getLast());
    assertEquals("en", t.getLanguage());
    assertEquals(22.0, t.getAudioSeconds(), 1e-6);
    assertTrue(ctx.processing().toNanos() > 0);
  }

  @Test
  void replayOfTheSameRequestGivesIdenticalOutputs() throws Exception {
    List<AudioChunkRecord> records =
        chunks("r2", wav(3), 10_000, RequestOptions.getDefaultInstance());
    RecordingContext a = new RecordingContext("r2");
    for (AudioChunkRecord r : records) {
      handler.handle(r, a);
    }
    RecordingContext b = new RecordingContext("r2");
    for (AudioChunkRecord r : records) {
      handler.handle(r, b);
    }
    assertEquals(a.outputs(), b.outputs());
  }

  @Test
  void retryOfTheLastChunkReusesTheAssembledAudio() throws Exception {
    List<AudioChunkRecord> records =
        chunks("r3", wav(2), 20_000, RequestOptions.getDefaultInstance());
    RecordingContext ctx = new RecordingContext("r3");
    for (AudioChunkRecord r : records) {
      handler.handle(r, ctx);
    }
    // Completed: a new delivery of chunk 0 starts a new assembly (a replay).
    RecordingContext again = new RecordingContext("r3");
    assertTrue(
        handler.handle(
            chunks("r3", wav(2), 1 << 20, RequestOptions.getDefaultInstance()).get(0), again));
  }

  @Test
  void rejectsMissingChunk() throws Exception {
    List<AudioChunkRecord> records =
        chunks("r4", wav(1), 8000, RequestOptions.getDefaultInstance());
    RecordingContext ctx = new RecordingContext("r4");
    handler.handle(records.get(0), ctx);
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> handler.handle(records.get(2), ctx));
    assertEquals("audio chunks 1..1 missing", e.getMessage());
  }

  @Test
  void rejectsDuplicatedChunk() throws Exception {
    List<AudioChunkRecord> records =
        chunks("r5", wav(1), 8000, RequestOptions.getDefaultInstance());
    RecordingContext ctx = new RecordingContext("r5");
    handler.handle(records.get(0), ctx);
    handler.handle(records.get(1), ctx);
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> handler.handle(records.get(1), ctx));
    assertEquals("audio chunk 1 duplicated", e.getMessage());
  }

  @Test
  void rejectsChunkWithoutChunkZero() {
    List<AudioChunkRecord> records =
        chunks("r6", wav(1), 8000, RequestOptions.getDefaultInstance());
    RecordingContext ctx = new RecordingContext("r6");
    assertThrows(InvalidInputException.class, () -> handler.handle(records.get(1), ctx));
  }

  @Test
  void rejectsWrongTotalChunkCount() throws Exception {
    List<AudioChunkRecord> records =
        new ArrayList<>(chunks("r7", wav(1), 1 << 20, RequestOptions.getDefaultInstance()));
    records.set(0, records.get(0).toBuilder().setTotalChunks(3).build());
    RecordingContext ctx = new RecordingContext("r7");
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> handler.handle(records.get(0), ctx));
    assertTrue(e.getMessage().contains("says 3 chunks"), e.getMessage());
  }

  @Test
  void rejectsCorruptAudioAsInvalidInput() {
    byte[] garbage = new byte[5000];
    Arrays.fill(garbage, (byte) 0x5a);
    AudioChunkRecord r =
        AudioChunkRecord.newBuilder()
            .setSeq(0)
            .setLast(true)
            .setTotalChunks(1)
            .setEncoding(AudioEncoding.AUDIO_ENCODING_MP3)
            .setData(ByteString.copyFrom(garbage))
            .build();
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class, () -> handler.handle(r, new RecordingContext("r8")));
    assertTrue(e.getMessage().startsWith("audio: MP3"), e.getMessage());
  }

  @Test
  void aRecognizerFailureIsNotTheClientsInvalidArgument() {
    SpeechToText broken =
        new SpeechToText() {
          @Override
          public Transcription transcribe(
              float[] samples,
              TranscriptionOptions options,
              java.util.function.Consumer<Transcription> partials,
              java.util.function.BooleanSupplier cancelled) {
            throw new IllegalArgumentException("bad segment [-1340, 0]");
          }

          @Override
          public dev.assistant.stt.backend.GgmlModelInfo model() {
            return stt.model();
          }

          @Override
          public void close() {}
        };
    SttHandler h =
        new SttHandler(
            broken, new AudioDecoder(16_000, AudioLimits.DEFAULT), SttDefaults.NONE, 8L << 20);
    AudioChunkRecord r = chunks("r20", wav(1), 1 << 20, RequestOptions.getDefaultInstance()).get(0);
    // The worker retries this and then reports INTERNAL; only an InvalidInputException would make
    // it the client's INVALID_ARGUMENT.
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> h.handle(r, new RecordingContext("r20")));
    assertTrue(e.getMessage().contains("bad segment"), e.getMessage());
  }

  @Test
  void rejectsUnknownLanguageAsInvalidInput() {
    List<AudioChunkRecord> records =
        chunks("r9", wav(1), 1 << 20, RequestOptions.newBuilder().setLanguage("xx").build());
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> handler.handle(records.get(0), new RecordingContext("r9")));
    assertTrue(e.getMessage().contains("unknown language 'xx'"), e.getMessage());
  }

  @Test
  void rejectsAudioOverTheByteLimitWhileAssembling() throws Exception {
    SttHandler small =
        new SttHandler(
            stt, new AudioDecoder(16_000, AudioLimits.DEFAULT), SttDefaults.NONE, 20_000);
    List<AudioChunkRecord> records =
        chunks("r10", wav(2), 15_000, RequestOptions.getDefaultInstance());
    RecordingContext ctx = new RecordingContext("r10");
    small.handle(records.get(0), ctx);
    assertThrows(InvalidInputException.class, () -> small.handle(records.get(1), ctx));
  }

  @Test
  void decodesRawPcm16WithDeclaredLayout() throws Exception {
    byte[] pcm = dev.assistant.audio.Pcm.toPcm16(TinyModels.speechLike(1.5));
    AudioChunkRecord r =
        AudioChunkRecord.newBuilder()
            .setSeq(0)
            .setLast(true)
            .setEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
            .setSampleRate(16_000)
            .setChannels(1)
            .setData(ByteString.copyFrom(pcm))
            .build();
    RecordingContext ctx = new RecordingContext("r11");
    assertTrue(handler.handle(r, ctx));
    assertEquals(
        1.5, ctx.outputs().get(ctx.outputs().size() - 1).getTranscript().getAudioSeconds(), 1e-6);
  }
}
