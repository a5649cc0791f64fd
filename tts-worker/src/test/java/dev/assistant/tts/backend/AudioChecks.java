package dev.assistant.tts.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks that synthesized audio looks like speech: plausible length, level and no clipping. */
public final class AudioChecks {
  private AudioChecks() {}

  public static double rms(float[] samples) {
    double sum = 0;
    for (float s : samples) {
      sum += s * (double) s;
    }
    return samples.length == 0 ? 0 : Math.sqrt(sum / samples.length);
  }

  /** Fraction of 20 ms frames whose level is above -40 dBFS. */
  public static double voicedFraction(AudioClip clip) {
    int frame = Math.max(1, clip.sampleRate() / 50);
    int frames = 0;
    int voiced = 0;
    for (int start = 0; start + frame <= clip.samples().length; start += frame) {
      double sum = 0;
      for (int i = start; i < start + frame; i++) {
        sum += clip.samples()[i] * (double) clip.samples()[i];
      }
      frames++;
      if (Math.sqrt(sum / frame) > 0.01) {
        voiced++;
      }
    }
    return frames == 0 ? 0 : voiced / (double) frames;
  }

  /** Asserts rate, a duration in [minSeconds, maxSeconds], a speech-like level and pauses. */
  public static void assertSpeechLike(
      AudioClip clip, int sampleRate, double minSeconds, double maxSeconds) {
    assertEquals(sampleRate, clip.sampleRate(), "sample rate");
    assertTrue(
        clip.seconds() >= minSeconds && clip.seconds() <= maxSeconds,
        "duration " + clip.seconds() + " s outside [" + minSeconds + ", " + maxSeconds + "]");
    double rms = rms(clip.samples());
    assertTrue(rms > 0.01, "audio is (nearly) silent: rms " + rms);
    double voiced = voicedFraction(clip);
    assertTrue(voiced > 0.3 && voiced < 0.99, "voiced fraction " + voiced + " is not speech-like");
  }
}
