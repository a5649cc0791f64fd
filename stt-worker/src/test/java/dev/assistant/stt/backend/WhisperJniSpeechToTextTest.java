package dev.assistant.stt.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs whisper.cpp on the generated multilingual model (random weights, so text is gibberish). */
class WhisperJniSpeechToTextTest {
  private static WhisperJniSpeechToText stt;

  @BeforeAll
  static void load() throws Exception {
    stt = WhisperJniSpeechToText.open(new WhisperOptions(TinyModels.multilingual(), 1, 2, 0f, 10));
  }

  @AfterAll
  static void close() {
    stt.close();
  }

  @Test
  void transcribesGeneratedAudioWithSegmentsInsideTheAudio() throws Exception {
    float[] audio = TinyModels.speechLike(3);
    Transcription t =
        stt.transcribe(
            audio, TranscriptionOptions.DEFAULT.withLanguage("en"), p -> {}, () -> false);
    assertTrue(t.complete());
    assertEquals("en", t.language());
    assertEquals(3.0, t.audioSeconds(), 1e-9);
    for (TranscriptSegment s : t.segments()) {
      assertTrue(s.endMillis() <= 3000, s.toString());
    }
  }

  @Test
  void sameInputGivesSameOutputAcrossRequests() throws Exception {
    float[] a = TinyModels.speechLike(2);
    float[] b = TinyModels.speechLike(4);
    TranscriptionOptions o = TranscriptionOptions.DEFAULT.withLanguage("de");
    Transcription first = stt.transcribe(a, o, p -> {}, () -> false);
    stt.transcribe(b, o, p -> {}, () -> false);
    Transcription again = stt.transcribe(a, o, p -> {}, () -> false);
    assertEquals(first, again);
  }

  @Test
  void reportsPartialsPerWindowThenTheFinal() throws Exception {
    List<Transcription> partials = new ArrayList<>();
    float[] audio = TinyModels.speechLike(25); // 10 s windows: at least two partials
    Transcription t =
        stt.transcribe(
            audio, TranscriptionOptions.DEFAULT.withLanguage("en"), partials::add, () -> false);
    assertTrue(partials.size() >= 2, "partials: " + partials.size());
    double last = 0;
    for (Transcription p : partials) {
      assertFalse(p.complete());
      assertTrue(p.audioSeconds() > last && p.audioSeconds() < 25);
      last = p.audioSeconds();
    }
    assertTrue(t.complete());
    assertTrue(t.segments().size() >= partials.get(partials.size() - 1).segments().size());
  }

  @Test
  void stopsBetweenWindowsWhenCancelled() throws Exception {
    List<Transcription> partials = new ArrayList<>();
    Transcription t =
        stt.transcribe(
            TinyModels.speechLike(25),
            TranscriptionOptions.DEFAULT.withLanguage("en"),
            partials::add,
            () -> true);
    assertFalse(t.complete());
    assertEquals(1, partials.size());
  }

  @Test
  void detectsTheLanguageWhenNoneIsGiven() throws Exception {
    Transcription t =
        stt.transcribe(
            TinyModels.speechLike(2), TranscriptionOptions.DEFAULT, p -> {}, () -> false);
    assertTrue(WhisperLanguages.isKnown(t.language()), "language '" + t.language() + "'");
  }

  @Test
  void translatesAndBeamSearchesWithoutFailing() throws Exception {
    TranscriptionOptions o =
        new TranscriptionOptions(Optional.of("fr"), SpeechTask.TRANSLATE, "Bonjour.", 0f, 2);
    Transcription t = stt.transcribe(TinyModels.speechLike(1.5), o, p -> {}, () -> false);
    assertTrue(t.complete());
    assertEquals("fr", t.language());
  }

  @Test
  void warmUpDecodesOnEveryStateAndLeavesThemAllFree() throws Exception {
    try (WhisperJniSpeechToText stt =
        WhisperJniSpeechToText.open(new WhisperOptions(TinyModels.english(), 1, 2, 0f, 10))) {
      assertTrue(stt.warmUp().toNanos() > 0);
      // Both states are back: two calls at once must not block.
      java.util.concurrent.ExecutorService two =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        java.util.List<java.util.concurrent.Future<Transcription>> calls =
            new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
          calls.add(
              two.submit(
                  () ->
                      stt.transcribe(
                          TinyModels.speechLike(1),
                          TranscriptionOptions.DEFAULT,
                          p -> {},
                          () -> false)));
        }
        for (var call : calls) {
          assertTrue(call.get(60, java.util.concurrent.TimeUnit.SECONDS).complete());
        }
      } finally {
        two.shutdownNow();
      }
    }
  }

  @Test
  void englishOnlyModelRejectsOtherLanguagesBeforeNativeCode() throws Exception {
    try (WhisperJniSpeechToText en =
        WhisperJniSpeechToText.open(WhisperOptions.of(TinyModels.english()))) {
      assertFalse(en.model().multilingual());
      float[] audio = TinyModels.speechLike(1);
      assertThrows(
          SpeechRequestException.class,
          () ->
              en.transcribe(
                  audio, TranscriptionOptions.DEFAULT.withLanguage("de"), p -> {}, () -> false));
      Transcription t = en.transcribe(audio, TranscriptionOptions.DEFAULT, p -> {}, () -> false);
      assertEquals("en", t.language());
    }
  }

  @Test
  void refusesAnInvalidFileBeforeLoadingIt(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.bin");
    byte[] b = Files.readAllBytes(TinyModels.english());
    Files.write(bad, java.util.Arrays.copyOf(b, b.length / 2));
    assertThrows(
        InvalidModelException.class, () -> WhisperJniSpeechToText.open(WhisperOptions.of(bad)));
  }
}
