package dev.assistant.tts.backend.piper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.SynthesisRequest;
import dev.assistant.tts.backend.VoiceNotAvailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native Piper path end to end (piper-jni: espeak-ng phonemization, ONNX Runtime inference, PCM
 * conversion) on a generated voice with Piper's model signature. The voice is not speech, so what
 * is checked is what the backend controls: sample rate, audio length per phoneme, rate and speaker
 * selection, and errors.
 */
class PiperBackendTest {
  @TempDir static Path dir;
  private static PiperBackend piper;

  @BeforeAll
  static void load() throws Exception {
    TinyPiperVoice.write(dir, "en_US-tiny-x_low", 1);
    TinyPiperVoice.write(dir, "en_US-duo-x_low", 2);
    piper = new PiperBackend(dir, "en_US-tiny-x_low");
  }

  @AfterAll
  static void close() {
    if (piper != null) {
      piper.close();
    }
  }

  private static AudioClip say(String text, String voice, int speaker, float rate)
      throws Exception {
    return piper.synthesize(new SynthesisRequest(text, voice, "en", speaker, rate));
  }

  private static double rms(float[] s) {
    double sum = 0;
    for (float v : s) {
      sum += v * v;
    }
    return Math.sqrt(sum / Math.max(1, s.length));
  }

  /** Samples up to the end of the last phoneme: Piper appends silence after each sentence. */
  private static int voiced(float[] s) {
    int end = s.length;
    while (end > 0 && s[end - 1] == 0f) {
      end--;
    }
    return end;
  }

  @Test
  void synthesizesThroughOnnxRuntimeAtTheVoiceSampleRate() throws Exception {
    AudioClip clip = say("Hello world.", "", 0, 1f);
    assertEquals(TinyPiperVoice.SAMPLE_RATE, clip.sampleRate());
    int voiced = voiced(clip.samples());
    assertTrue(voiced < clip.samples().length, "sentence silence follows the speech");
    assertEquals(0, voiced % TinyPiperVoice.SAMPLES_PER_PHONEME, "whole phonemes: " + voiced);
    int phonemes = voiced / TinyPiperVoice.SAMPLES_PER_PHONEME;
    // "Hello world." is about 9 IPA symbols; Piper adds start, end and a pad after each.
    assertTrue(phonemes >= 15 && phonemes <= 40, "phoneme IDs: " + phonemes);
    assertTrue(rms(clip.samples()) > 0.1, "not silence: rms " + rms(clip.samples()));
  }

  @Test
  void longerTextGivesLongerAudio() throws Exception {
    int shortLen = voiced(say("Hello.", "", 0, 1f).samples());
    int longLen =
        voiced(say("Hello. The quick brown fox jumps over the lazy dog.", "", 0, 1f).samples());
    assertTrue(longLen > 3 * shortLen, shortLen + " vs " + longLen);
  }

  @Test
  void speakingRateScalesTheLength() throws Exception {
    String text = "Speaking rate changes the length scale.";
    int normal = voiced(say(text, "", 0, 1f).samples());
    int fast = voiced(say(text, "", 0, 2f).samples());
    int slow = voiced(say(text, "", 0, 0.5f).samples());
    assertEquals(normal / 2.0, fast, 1, normal + " at 1x, " + fast + " at 2x");
    assertEquals(normal * 2.0, slow, 1, normal + " at 1x, " + slow + " at 0.5x");
  }

  @Test
  void speakersOfOneVoiceDiffer() throws Exception {
    float[] first = say("Two speakers.", "en_US-duo-x_low", 0, 1f).samples();
    float[] second = say("Two speakers.", "en_US-duo-x_low", 1, 1f).samples();
    assertEquals(first.length, second.length);
    assertFalse(Arrays.equals(first, second));
    VoiceNotAvailableException e =
        assertThrows(VoiceNotAvailableException.class, () -> say("x", "en_US-duo-x_low", 2, 1f));
    assertTrue(e.getMessage().contains("2 speaker(s)"), e.getMessage());
  }

  @Test
  void aCorruptModelBesideGoodOnesFailsAtStartNamingIt() throws Exception {
    Path other = Files.createDirectories(dir.resolve("corrupt"));
    TinyPiperVoice.write(other, "a-good", 1);
    byte[] model = TinyPiperVoice.model(1);
    Files.write(other.resolve("b-cut.onnx"), Arrays.copyOf(model, model.length / 2));
    Files.writeString(other.resolve("b-cut.onnx.json"), TinyPiperVoice.config(1));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new PiperBackend(other, "a-good"));
    assertTrue(e.getMessage().contains("b-cut"), e.getMessage());
  }
}
