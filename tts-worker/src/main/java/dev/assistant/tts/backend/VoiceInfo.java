package dev.assistant.tts.backend;

import dev.assistant.common.language.LanguageTags;
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
    language = LanguageTags.normalize(language);
  }

  /**
   * True when this voice speaks {@code requested}: equal tags, or the requested tag is the bare
   * language of this voice's tag ("en" matches "en-us") or the other way round.
   */
  public boolean speaks(String requested) {
    return LanguageTags.matches(language, requested);
  }
}
