package dev.assistant.stt;

import dev.assistant.stt.backend.SpeechTask;
import dev.assistant.stt.backend.TranscriptionOptions;
import java.util.Optional;

/**
 * Server-side defaults for options a request leaves unset.
 *
 * @param language ISO 639-1 code, or empty to detect
 * @param beamSize beam size when the request says 0
 */
public record SttDefaults(Optional<String> language, int beamSize) {
  public SttDefaults {
    // Validates the same way request options are validated.
    new TranscriptionOptions(language, SpeechTask.TRANSCRIBE, "", 0f, beamSize);
  }

  public static final SttDefaults NONE = new SttDefaults(Optional.empty(), 0);
}
