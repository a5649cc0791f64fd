package dev.assistant.gateway.grpc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Stage;
import dev.assistant.internal.v1.CatalogRecord;
import dev.assistant.internal.v1.CatalogVoice;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class CatalogCheckTest {
  private static final CatalogRecord TTS =
      CatalogRecord.newBuilder()
          .setStage(Stage.STAGE_TTS)
          .setModel("piper")
          .addVoices(CatalogVoice.newBuilder().setName("amy").setLanguage("en-us").setSpeakers(1))
          .addVoices(CatalogVoice.newBuilder().setName("thorsten").setLanguage("de").setSpeakers(3))
          .build();
  private static final CatalogRecord STT_EN =
      CatalogRecord.newBuilder()
          .setStage(Stage.STAGE_STT)
          .setModel("ggml-base.en")
          .addLanguages("en")
          .build();

  private final CatalogCheck check =
      new CatalogCheck(
          Map.of(Stage.STAGE_TTS, List.of(TTS), Stage.STAGE_STT, List.of(STT_EN))::get);

  private static String reason(Executable e) {
    StatusRuntimeException ex = assertThrows(StatusRuntimeException.class, e);
    assertEquals(Status.Code.INVALID_ARGUMENT, ex.getStatus().getCode());
    return ex.getStatus().getDescription();
  }

  private static RequestOptions.Builder o() {
    return RequestOptions.newBuilder();
  }

  @Test
  void knownVoicesAndLanguagesPass() {
    assertDoesNotThrow(() -> check.options(o().setVoice("AMY").build(), false));
    assertDoesNotThrow(
        () -> check.options(o().setVoice("amy").setSpeechLanguage("en").build(), false));
    assertDoesNotThrow(() -> check.options(o().setSpeechLanguage("de-DE").build(), false));
    assertDoesNotThrow(() -> check.options(o().setVoice("thorsten").setSpeaker(2).build(), false));
    assertDoesNotThrow(() -> check.options(o().setLanguage("en").build(), true));
    assertDoesNotThrow(() -> check.options(o().setLanguage("auto").build(), true));
  }

  @Test
  void anUnknownVoiceIsRefusedWithTheVoicesThereAre() {
    assertEquals(
        "options.voice: no voice 'bob'; available: amy, thorsten",
        reason(() -> check.options(o().setVoice("bob").build(), false)));
  }

  @Test
  void aVoiceThatDoesNotSpeakTheAskedLanguageIsRefused() {
    assertEquals(
        "options.speech_language: voice 'amy' speaks en-us, not de",
        reason(() -> check.options(o().setVoice("amy").setSpeechLanguage("de").build(), false)));
    assertEquals(
        "options.speech_language: no voice speaks 'fr'; languages: [de, en-us]",
        reason(() -> check.options(o().setSpeechLanguage("fr").build(), false)));
  }

  @Test
  void aSpeakerBeyondTheVoiceIsRefused() {
    assertEquals(
        "options.speaker: 3 is outside [0, 2] for voice 'thorsten'",
        reason(() -> check.options(o().setVoice("thorsten").setSpeaker(3).build(), false)));
  }

  @Test
  void aRecognitionLanguageTheModelLacksIsRefused() {
    assertEquals(
        "options.language: 'de' is not a language the speech recognizer knows (ggml-base.en: en)",
        reason(() -> check.options(o().setLanguage("de").build(), true)));
  }

  @Test
  void skippedSpeechIsNotCheckedAgainstVoices() {
    assertDoesNotThrow(() -> check.options(o().setVoice("bob").setSkipSpeech(true).build(), false));
  }

  @Test
  void aStageThatAnnouncedNothingIsNotChecked() {
    CatalogCheck empty = CatalogCheck.none();
    assertDoesNotThrow(() -> empty.options(o().setVoice("bob").setLanguage("xx").build(), true));
    assertEquals(List.of(), empty.models(Stage.STAGE_LLM));
    assertEquals(List.of("piper"), check.models(Stage.STAGE_TTS));
  }
}
