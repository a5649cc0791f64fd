package dev.assistant.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.api.v1.AudioChunk;
import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.common.config.Config;
import dev.assistant.common.testing.RecordingContext;
import dev.assistant.common.worker.InvalidInputException;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TtsRequestRecord;
import dev.assistant.tts.backend.freetts.FreeTtsBackend;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TtsHandlerTest {
  private static FreeTtsBackend tts;
  private static TtsHandler handler;

  @BeforeAll
  static void setUp() {
    tts = new FreeTtsBackend(FreeTtsBackend.DEFAULT_VOICE);
    handler = TtsWorkerMain.handler(tts, Config.of(java.util.Map.of("tts.chunk.bytes", "4096")));
  }

  @AfterAll
  static void tearDown() {
    tts.close();
  }

  private static TtsRequestRecord record(int index, String text, boolean last, RequestOptions o) {
    return TtsRequestRecord.newBuilder()
        .setRequestId("req-1")
        .setSentenceIndex(index)
        .setText(text)
        .setLast(last)
        .setOptions(o)
        .build();
  }

  private static List<StageOutput> run(TtsRequestRecord r) throws Exception {
    RecordingContext context = new RecordingContext("req-1");
    assertTrue(handler.handle(r, context), "each sentence completes on its own");
    return context.outputs();
  }

  private static byte[] concat(List<StageOutput> outputs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    outputs.stream()
        .filter(StageOutput::hasAudio)
        .forEach(o -> out.writeBytes(o.getAudio().getData().toByteArray()));
    return out.toByteArray();
  }

  @Test
  void emitsOrderedChunksWithTextOnTheFirst() throws Exception {
    List<StageOutput> outs =
        run(record(2, "It costs $5.99 today.", false, RequestOptions.getDefaultInstance()));
    assertTrue(outs.size() > 1, "4 KiB chunks split the sentence");
    for (int i = 0; i < outs.size(); i++) {
      AudioChunk c = outs.get(i).getAudio();
      assertEquals(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16, c.getFormat());
      assertEquals(16_000, c.getSampleRate());
      assertEquals(2, c.getSentenceIndex());
      assertEquals(i, c.getChunkIndex());
      assertEquals(i == outs.size() - 1, c.getLastInSentence());
      assertFalse(c.getLast());
      assertFalse(outs.get(i).getLast());
      assertTrue(c.getData().size() <= 4096);
      assertEquals(i == 0 ? "It costs $5.99 today." : "", c.getText());
    }
    assertEquals(
        20_000, handler.sequenceBase(record(2, "", false, RequestOptions.getDefaultInstance())));
  }

  @Test
  void lastSentenceEndsTheStream() throws Exception {
    List<StageOutput> outs = run(record(0, "Goodbye.", true, RequestOptions.getDefaultInstance()));
    StageOutput last = outs.get(outs.size() - 1);
    assertTrue(last.getLast());
    assertTrue(last.getAudio().getLast());
    assertTrue(outs.subList(0, outs.size() - 1).stream().noneMatch(StageOutput::getLast));
  }

  @Test
  void emptyLastRecordStillEndsTheStream() throws Exception {
    List<StageOutput> outs = run(record(3, "  🙂 ", true, RequestOptions.getDefaultInstance()));
    assertEquals(1, outs.size());
    assertTrue(outs.get(0).getLast());
    assertTrue(outs.get(0).getAudio().getLast());
    assertEquals(0, outs.get(0).getAudio().getData().size());
    assertTrue(run(record(3, "", false, RequestOptions.getDefaultInstance())).isEmpty());
  }

  @Test
  void replaysAreByteIdentical() throws Exception {
    RequestOptions ogg =
        RequestOptions.newBuilder()
            .setOutputFormat(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_OGG)
            .build();
    assertEquals(
        run(record(1, "Same words again.", false, ogg)),
        run(record(1, "Same words again.", false, ogg)));
  }

  @Test
  void oggOpusLeavesPageByPageWithTheHeadersAndOneFrameFirst() throws Exception {
    RequestOptions ogg =
        RequestOptions.newBuilder()
            .setOutputFormat(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_OGG)
            .build();
    List<StageOutput> outs =
        run(record(4, "Please open the door for me, and close the window.", true, ogg));
    assertTrue(outs.size() >= 5, "a sentence of speech leaves in several pages: " + outs.size());
    byte[] first = outs.get(0).getAudio().getData().toByteArray();
    assertTrue(first.length < 400, "headers and one 20 ms packet only: " + first.length);
    assertEquals("OggS", new String(first, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(
        "Please open the door for me, and close the window.", outs.get(0).getAudio().getText());
    for (int i = 0; i < outs.size(); i++) {
      AudioChunk c = outs.get(i).getAudio();
      assertEquals(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_OGG, c.getFormat());
      assertEquals(4, c.getSentenceIndex());
      assertEquals(i, c.getChunkIndex());
      boolean last = i == outs.size() - 1;
      assertEquals(last, c.getLastInSentence());
      assertEquals(last, c.getLast());
      assertEquals(last, outs.get(i).getLast());
      assertEquals(
          "OggS",
          c.getData().substring(0, 4).toString(java.nio.charset.StandardCharsets.US_ASCII),
          "every chunk starts on a page boundary");
    }
    byte[] stream = concat(outs);
    assertEquals("OpusHead", new String(stream, 28, 8, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(0x04, stream[stream.length - lastPageLength(stream) + 5], "end-of-stream page");
  }

  /** Length of the final Ogg page: found by walking the pages from the start. */
  private static int lastPageLength(byte[] ogg) {
    int at = 0;
    int length = 0;
    while (at < ogg.length) {
      int segments = ogg[at + 26] & 0xff;
      int body = 0;
      for (int i = 0; i < segments; i++) {
        body += ogg[at + 27 + i] & 0xff;
      }
      length = 27 + segments + body;
      at += length;
    }
    assertEquals(ogg.length, at, "pages cover the stream exactly");
    return length;
  }

  @Test
  void wavOutputIsOneCompleteFilePerSentenceAtTheRequestedRate() throws Exception {
    RequestOptions wav8k =
        RequestOptions.newBuilder()
            .setOutputFormat(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_WAV)
            .setOutputSampleRate(8_000)
            .build();
    List<StageOutput> outs = run(record(0, "Hello there, my friend.", false, wav8k));
    byte[] wav = concat(outs);
    ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals("RIFF", new String(wav, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(8_000, b.getInt(24));
    assertEquals(wav.length - 44, b.getInt(40));
    assertEquals(8_000, outs.get(0).getAudio().getSampleRate());

    byte[] pcm16k =
        concat(
            run(record(0, "Hello there, my friend.", false, RequestOptions.getDefaultInstance())));
    double ratio = (wav.length - 44) / (double) pcm16k.length;
    assertTrue(Math.abs(ratio - 0.5) < 0.01, "8 kHz has half the samples of 16 kHz: " + ratio);
  }

  @Test
  void spectrogramFollowsTheAudioAndCarriesTheFinalFlag() throws Exception {
    RequestOptions withPicture = RequestOptions.newBuilder().setSpectrogram(true).build();
    List<StageOutput> outs = run(record(0, "Look at my voice.", true, withPicture));
    StageOutput last = outs.get(outs.size() - 1);
    assertTrue(last.hasSpectrogram());
    assertTrue(last.getLast());
    assertTrue(outs.get(outs.size() - 2).getAudio().getLast());
    assertFalse(outs.get(outs.size() - 2).getLast());
    BufferedImage png =
        ImageIO.read(new ByteArrayInputStream(last.getSpectrogram().getPng().toByteArray()));
    assertEquals(160, png.getHeight());
    assertTrue(png.getWidth() > 50, "one column per 10 ms");
  }

  @Test
  void unknownLanguageOrVoiceIsInvalidInput() {
    RequestOptions german = RequestOptions.newBuilder().setSpeechLanguage("de").build();
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> run(record(0, "Hallo.", false, german)));
    assertTrue(e.getMessage().contains("de"), e.getMessage());
    RequestOptions badRate = RequestOptions.newBuilder().setSpeakingRate(9f).build();
    assertThrows(InvalidInputException.class, () -> run(record(0, "Hi.", false, badRate)));
    RequestOptions badSampleRate = RequestOptions.newBuilder().setOutputSampleRate(3).build();
    assertThrows(InvalidInputException.class, () -> run(record(0, "Hi.", false, badSampleRate)));
  }

  @Test
  void recognizedLanguageWithoutAVoiceIsSpokenWithTheDefaultVoice() throws Exception {
    TtsRequestRecord somali =
        record(0, "Hello there.", true, RequestOptions.getDefaultInstance()).toBuilder()
            .setLanguage("so")
            .build();
    byte[] audio = concat(run(somali));
    assertTrue(audio.length > 1000, "spoken in the default voice: " + audio.length + " bytes");
    RequestOptions explicit = RequestOptions.newBuilder().setSpeechLanguage("so").build();
    TtsRequestRecord demanded =
        record(0, "Hello there.", true, explicit).toBuilder().setLanguage("so").build();
    assertThrows(InvalidInputException.class, () -> run(demanded));
  }

  @Test
  void cancelledRequestsEmitNothing() throws Exception {
    RecordingContext context = new RecordingContext("req-1");
    context.cancel();
    assertTrue(
        handler.handle(
            record(0, "Never said.", true, RequestOptions.getDefaultInstance()), context));
    assertTrue(context.outputs().isEmpty());
  }

  @Test
  void fasterSpeechIsShorter() throws Exception {
    byte[] normal =
        concat(
            run(
                record(
                    0,
                    "One two three four five six.",
                    false,
                    RequestOptions.getDefaultInstance())));
    byte[] fast =
        concat(
            run(
                record(
                    0,
                    "One two three four five six.",
                    false,
                    RequestOptions.newBuilder().setSpeakingRate(1.5f).build())));
    assertTrue(fast.length < normal.length * 0.85, fast.length + " vs " + normal.length);
  }
}
