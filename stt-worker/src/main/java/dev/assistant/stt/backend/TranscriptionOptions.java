package dev.assistant.stt.backend;

import java.util.Locale;
import java.util.Optional;

/**
 * Per-request decoding options.
 *
 * @param language ISO 639-1 code ({@code "en"}), or empty to detect the language
 * @param task transcribe, or translate to English
 * @param initialPrompt text that conditions the decoder (names, spelling); may be empty
 * @param temperature 0 for deterministic decoding; above 0 samples
 * @param beamSize 0 or 1 for greedy decoding, 2..16 for beam search
 */
public record TranscriptionOptions(
    Optional<String> language,
    SpeechTask task,
    String initialPrompt,
    float temperature,
    int beamSize) {

  /** Auto-detected language, transcription, greedy and deterministic. */
  public static final TranscriptionOptions DEFAULT =
      new TranscriptionOptions(Optional.empty(), SpeechTask.TRANSCRIBE, "", 0f, 0);

  /** Longest initial prompt accepted, in characters (whisper keeps at most half its context). */
  public static final int MAX_PROMPT_CHARS = 2000;

  public TranscriptionOptions {
    language =
        language
            .map(l -> l.trim().toLowerCase(Locale.ROOT))
            .filter(l -> !l.isEmpty() && !l.equals("auto"));
    if (language.isPresent() && !WhisperLanguages.isKnown(language.get())) {
      throw new IllegalArgumentException("unknown language '" + language.get() + "'");
    }
    if (task == null) {
      task = SpeechTask.TRANSCRIBE;
    }
    initialPrompt = initialPrompt == null ? "" : initialPrompt;
    if (initialPrompt.length() > MAX_PROMPT_CHARS) {
      throw new IllegalArgumentException(
          "initial prompt longer than " + MAX_PROMPT_CHARS + " characters");
    }
    if (!(temperature >= 0f && temperature <= 1f)) {
      throw new IllegalArgumentException("temperature must be in [0, 1], got " + temperature);
    }
    if (beamSize < 0 || beamSize > 16) {
      throw new IllegalArgumentException("beam size must be in [0, 16], got " + beamSize);
    }
  }

  public TranscriptionOptions withLanguage(String code) {
    return new TranscriptionOptions(
        Optional.ofNullable(code), task, initialPrompt, temperature, beamSize);
  }
}
