package dev.assistant.tts;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.assistant.audio.WavWriter;
import dev.assistant.tts.audio.AudioOutputEncoder;
import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.SynthesisRequest;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.espeak.EspeakBackend;
import dev.assistant.tts.backend.freetts.FreeTtsBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the audio is intelligible speech: each engine speaks fixed plain English sentences, an
 * independent recognizer (Debian pocketsphinx with its default en-us model, 16 kHz canonical WAV)
 * transcribes them, and the word error rate is measured. Silence and noise through the same path
 * must score near 100%, so the check can fail.
 */
class RoundTripIT {
  private static final Path RECOGNIZER = Path.of("/usr/bin/pocketsphinx_continuous");
  private static final Path MODEL = Path.of("/usr/share/pocketsphinx/model/en-us/en-us");

  static final List<String> SENTENCES =
      List.of(
          "The weather is nice today.",
          "Please open the door for me.",
          "I would like a cup of coffee.",
          "The children are playing in the park.",
          "We will meet again next week.",
          "She reads a book every night.",
          "Turn left at the next street.",
          "My phone is on the table.",
          "The train leaves in ten minutes.",
          "Thank you for your help.",
          "It is time to go home now.",
          "The dog is sleeping on the floor.");

  @TempDir static Path dir;

  @BeforeAll
  static void requireRecognizer() {
    boolean installed = Files.isExecutable(RECOGNIZER) && Files.isDirectory(MODEL);
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(installed, "apt packages pocketsphinx and pocketsphinx-en-us are required in CI");
    }
    assumeTrue(
        installed, "pocketsphinx not installed (apt-get install pocketsphinx pocketsphinx-en-us)");
  }

  @Test
  void freeTtsIsIntelligible() throws Exception {
    try (TextToSpeech tts = new FreeTtsBackend(FreeTtsBackend.DEFAULT_VOICE)) {
      double wer = werOf(tts, "freetts");
      assertTrue(wer <= 0.20, "FreeTTS kevin16 WER " + wer + " > 20%");
    }
  }

  @Test
  void espeakIsSpeech() throws Exception {
    Path espeak = Path.of("/usr/bin/espeak-ng");
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(Files.isExecutable(espeak), "apt package espeak-ng is required in CI");
    }
    assumeTrue(Files.isExecutable(espeak), "espeak-ng not installed");
    try (TextToSpeech tts = new EspeakBackend(espeak, "en-us")) {
      double wer = werOf(tts, "espeak");
      // espeak-ng's formant voice is hard for this recognizer; it must still beat silence.
      assertTrue(wer < 0.9, "espeak-ng WER " + wer);
    }
  }

  @Test
  void silenceAndNoiseAreNotRecognizedAsTheSentences() throws Exception {
    int rate = 16_000;
    float[] silence = new float[rate * 20];
    float[] noise = new float[rate * 20];
    Random random = new Random(3);
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) (random.nextGaussian() * 0.1);
    }
    double silent = wer(String.join(" ", SENTENCES), recognize(silence, "silence"));
    double noisy = wer(String.join(" ", SENTENCES), recognize(noise, "noise"));
    System.out.printf(
        Locale.ROOT, "round trip WER: silence %.1f%%, noise %.1f%%%n", 100 * silent, 100 * noisy);
    assertTrue(silent >= 0.9, "silence WER " + silent);
    assertTrue(noisy >= 0.9, "noise WER " + noisy);
  }

  /** Speaks all sentences (0.8 s apart) into one 16 kHz file, recognizes it, returns the WER. */
  private static double werOf(TextToSpeech tts, String label) throws Exception {
    List<float[]> parts = new ArrayList<>();
    int total = 0;
    float[] gap = new float[(int) (0.8 * 16_000)];
    for (String sentence : SENTENCES) {
      AudioClip clip =
          AudioOutputEncoder.resample(tts.synthesize(SynthesisRequest.of(sentence)), 16_000);
      parts.add(clip.samples());
      parts.add(gap);
      total += clip.samples().length + gap.length;
    }
    float[] all = new float[total];
    int p = 0;
    for (float[] part : parts) {
      System.arraycopy(part, 0, all, p, part.length);
      p += part.length;
    }
    String heard = recognize(all, label);
    double wer = wer(String.join(" ", SENTENCES), heard);
    System.out.printf(
        Locale.ROOT,
        "round trip WER %s: %.1f%% over %d sentences; heard: %s%n",
        label,
        100 * wer,
        SENTENCES.size(),
        heard);
    return wer;
  }

  private static String recognize(float[] samples16k, String label) throws Exception {
    Path wav = dir.resolve(label + ".wav");
    Files.write(wav, WavWriter.toWav(samples16k, 16_000));
    Process p =
        new ProcessBuilder(RECOGNIZER.toString(), "-infile", wav.toString(), "-logfn", "/dev/null")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "pocketsphinx timed out");
    return out.replace('\n', ' ').trim();
  }

  private static List<String> words(String text) {
    String clean = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z' ]", " ").trim();
    return clean.isEmpty() ? List.of() : Arrays.asList(clean.split("\\s+"));
  }

  /** Word error rate: word-level edit distance over the reference length. */
  static double wer(String reference, String hypothesis) {
    List<String> ref = words(reference);
    List<String> hyp = words(hypothesis);
    int[] prev = new int[hyp.size() + 1];
    int[] cur = new int[hyp.size() + 1];
    for (int j = 0; j <= hyp.size(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= ref.size(); i++) {
      cur[0] = i;
      for (int j = 1; j <= hyp.size(); j++) {
        int sub = prev[j - 1] + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[hyp.size()] / (double) ref.size();
  }
}
