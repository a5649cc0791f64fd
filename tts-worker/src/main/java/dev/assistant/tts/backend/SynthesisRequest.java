package dev.assistant.tts.backend;

import java.util.Objects;

/**
 * What to say and how.
 *
 * @param text the sentence, already normalized
 * @param voice voice name; empty for the backend's choice
 * @param language language tag; empty for the voice's own language
 * @param speaker speaker index for multi-speaker voices, from 0
 * @param rate speaking-rate multiplier: 1 is the voice's natural pace, 2 twice as fast
 */
public record SynthesisRequest(
    String text, String voice, String language, int speaker, float rate) {

  /** Slowest and fastest accepted speaking rates. */
  public static final float MIN_RATE = 0.25f;

  public static final float MAX_RATE = 4f;

  /** Longest accepted text; the sentence splitter keeps sentences far shorter. */
  public static final int MAX_TEXT_CHARS = 4_000;

  public SynthesisRequest {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(voice, "voice");
    Objects.requireNonNull(language, "language");
    if (text.length() > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException(
          "text has " + text.length() + " chars, more than " + MAX_TEXT_CHARS);
    }
    if (speaker < 0) {
      throw new IllegalArgumentException("speaker " + speaker + " is negative");
    }
    if (!(rate >= MIN_RATE && rate <= MAX_RATE)) {
      throw new IllegalArgumentException(
          "speaking rate " + rate + " is outside [" + MIN_RATE + ", " + MAX_RATE + "]");
    }
  }

  /** Default voice, language and speaker at the natural pace. */
  public static SynthesisRequest of(String text) {
    return new SynthesisRequest(text, "", "", 0, 1f);
  }
}
