package dev.assistant.stt.backend;

import dev.assistant.stt.tools.RandomGgmlModelWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny random Whisper models written once per build into target/, shared by the tests. Small in
 * every dimension except the vocabulary (which the format fixes), so they load in milliseconds.
 */
public final class TinyModels {
  private static final Path DIR = Path.of("target", "test-models");

  private TinyModels() {}

  public static WhisperHyperParameters dims(boolean englishOnly) {
    return WhisperHyperParameters.of(englishOnly, 64, 2, 1, 32);
  }

  /** The multilingual tiny model. */
  public static Path multilingual() {
    return model("tiny-random-multilingual.bin", dims(false));
  }

  /** The English-only tiny model. */
  public static Path english() {
    return model("tiny-random-en.bin", dims(true));
  }

  private static synchronized Path model(String name, WhisperHyperParameters hp) {
    Path path = DIR.resolve(name);
    try {
      if (!Files.exists(path)) {
        RandomGgmlModelWriter.write(path, hp, 42);
      }
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A speech-like test signal: a few harmonic "vowels" with pauses, deterministic. */
  public static float[] speechLike(double seconds) {
    float[] x = new float[(int) (seconds * SpeechToText.SAMPLE_RATE)];
    for (int i = 0; i < x.length; i++) {
      double t = i / (double) SpeechToText.SAMPLE_RATE;
      double syllable = t % 0.5;
      if (syllable > 0.35) {
        continue;
      }
      double f0 = 120 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
      double v = 0;
      for (int h = 1; h <= 8; h++) {
        v += Math.sin(2 * Math.PI * f0 * h * t) / h;
      }
      x[i] = (float) (0.2 * v * Math.sin(Math.PI * syllable / 0.35));
    }
    return x;
  }
}
