package dev.assistant.tts.backend.espeak;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assistant.tts.backend.AudioChecks;
import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.SynthesisRequest;
import dev.assistant.tts.backend.VoiceNotAvailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EspeakBackendTest {
  static final Path ESPEAK = Path.of("/usr/bin/espeak-ng");
  private static EspeakBackend tts;

  @BeforeAll
  static void start() {
    boolean installed = Files.isExecutable(ESPEAK);
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(installed, "espeak-ng (apt package espeak-ng) is required in CI");
    }
    assumeTrue(installed, "espeak-ng not installed (apt-get install espeak-ng)");
    tts = new EspeakBackend(ESPEAK, "en-us");
  }

  @Test
  void speaksEnglishAndGermanByLanguage() throws Exception {
    AudioClip en =
        tts.synthesize(SynthesisRequest.of("The quick brown fox jumps over the lazy dog."));
    AudioChecks.assertSpeechLike(en, 22_050, 1.5, 5.0);
    AudioClip de =
        tts.synthesize(new SynthesisRequest("Guten Morgen, wie geht es dir?", "", "de", 0, 1f));
    AudioChecks.assertSpeechLike(de, 22_050, 1.0, 5.0);
  }

  @Test
  void fasterRateIsShorter() throws Exception {
    AudioClip normal = tts.synthesize(SynthesisRequest.of("One two three four five six seven."));
    AudioClip fast =
        tts.synthesize(new SynthesisRequest("One two three four five six seven.", "", "", 0, 2f));
    assertTrue(fast.seconds() < normal.seconds() * 0.7);
  }

  @Test
  void languageWithoutVoiceIsAClearError() {
    VoiceNotAvailableException e =
        assertThrows(
            VoiceNotAvailableException.class,
            () -> tts.synthesize(new SynthesisRequest("x", "", "tlh", 0, 1f)));
    assertTrue(e.getMessage().contains("tlh"), e.getMessage());
  }

  @Test
  void textIsNeverInterpretedAsOptions() throws Exception {
    AudioClip clip = tts.synthesize(SynthesisRequest.of("--version -w /tmp/x.wav; rm -rf /"));
    assertTrue(clip.seconds() > 1, "spoken as text");
  }

  @Test
  void missingExecutableFailsAtStart() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new EspeakBackend(Path.of("/nonexistent/espeak-ng"), "en"));
    assertTrue(e.getMessage().contains("tts.espeak.path"));
  }
}
