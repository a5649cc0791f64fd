package dev.assistant.tts.backend;

import java.util.Locale;
import java.util.Objects;

/**
 * A voice of a backend.
 *
 * @param name name used in requests ({@code options.voice})
 * @param language BCP-47-like language tag, e.g. {@code en}, {@code en-us}, {@code pt-br}
 * @param sampleRate native sample rate in Hz
 * @param speakers number of speakers (1 for single-speaker voices)
 */
public record VoiceInfo(String name, String language, int sampleRate, int speakers) {
  public VoiceInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(language, "language");
    if (name.isBlank()) {
      throw new IllegalArgumentException("voice name is blank");
    }
    if (sampleRate < 4_000 || sampleRate > 192_000) {
      throw new IllegalArgumentException("voice " + name + ": sample rate " + sampleRate);
    }
    if (speakers < 1) {
      throw new IllegalArgumentException("voice " + name + ": speakers " + speakers);
    }
    language = language.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * True when this voice speaks {@code requested}: equal tags, or the requested tag is the bare
   * language of this voice's tag ("en" matches "en-us") or the other way round.
   */
  public boolean speaks(String requested) {
    String want = requested.toLowerCase(Locale.ROOT).replace('_', '-');
    return language.equals(want) || base(language).equals(want) || language.equals(base(want));
  }

  private static String base(String tag) {
    int dash = tag.indexOf('-');
    return dash < 0 ? tag : tag.substring(0, dash);
  }
}
