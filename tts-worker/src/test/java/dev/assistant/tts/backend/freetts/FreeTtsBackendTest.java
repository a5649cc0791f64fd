package dev.assistant.tts.backend.freetts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.tts.backend.AudioChecks;
import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.SynthesisRequest;
import dev.assistant.tts.backend.VoiceNotAvailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FreeTtsBackendTest {
  private static FreeTtsBackend tts;

  @BeforeAll
  static void load() {
    tts = new FreeTtsBackend(FreeTtsBackend.DEFAULT_VOICE);
  }

  @AfterAll
  static void close() {
    tts.close();
  }

  private static final String SENTENCE = "The quick brown fox jumps over the lazy dog.";

  @Test
  void speaksEnglishAtSixteenKilohertz() throws Exception {
    AudioClip clip = tts.synthesize(SynthesisRequest.of(SENTENCE));
    AudioChecks.assertSpeechLike(clip, 16_000, 1.5, 5.0);
  }

  @Test
  void kevinVoiceIsEightKilohertz() throws Exception {
    AudioClip clip = tts.synthesize(new SynthesisRequest(SENTENCE, "kevin", "", 0, 1f));
    AudioChecks.assertSpeechLike(clip, 8_000, 1.5, 5.0);
  }

  @Test
  void fasterRateGivesShorterAudio() throws Exception {
    AudioClip normal = tts.synthesize(SynthesisRequest.of(SENTENCE));
    AudioClip fast = tts.synthesize(new SynthesisRequest(SENTENCE, "", "en", 0, 2f));
    double ratio = fast.seconds() / normal.seconds();
    assertTrue(ratio > 0.35 && ratio < 0.7, "2x rate gave duration ratio " + ratio);
  }

  @Test
  void sameTextGivesIdenticalSamples() throws Exception {
    AudioClip a = tts.synthesize(SynthesisRequest.of(SENTENCE));
    AudioClip b = tts.synthesize(SynthesisRequest.of(SENTENCE));
    assertArrayEquals(a.samples(), b.samples());
  }

  @Test
  void emptyTextGivesEmptyClip() throws Exception {
    assertEquals(0, tts.synthesize(SynthesisRequest.of(" ")).samples().length);
  }

  @Test
  void rejectsUnknownVoiceAndLanguage() {
    assertThrows(
        VoiceNotAvailableException.class,
        () -> tts.synthesize(new SynthesisRequest("Hallo.", "", "de", 0, 1f)));
    VoiceNotAvailableException e =
        assertThrows(
            VoiceNotAvailableException.class,
            () -> tts.synthesize(new SynthesisRequest("Hi.", "alan", "", 0, 1f)));
    assertTrue(e.getMessage().contains("kevin16"), e.getMessage());
  }

  @Test
  void unknownDefaultVoiceFailsAtStart() {
    assertThrows(IllegalArgumentException.class, () -> new FreeTtsBackend("nobody"));
  }
}
