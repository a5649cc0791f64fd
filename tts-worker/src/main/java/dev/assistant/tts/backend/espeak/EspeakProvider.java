package dev.assistant.tts.backend.espeak;

import dev.assistant.common.config.Config;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.TextToSpeechProvider;
import java.nio.file.Path;

/**
 * {@code tts.backend=espeak}; {@code tts.espeak.path} (default /usr/bin/espeak-ng) and {@code
 * tts.voice} (default en-us).
 */
public final class EspeakProvider implements TextToSpeechProvider {
  @Override
  public String name() {
    return EspeakBackend.NAME;
  }

  @Override
  public TextToSpeech create(Config config) {
    return new EspeakBackend(
        Path.of(config.getString("tts.espeak.path", "/usr/bin/espeak-ng")),
        config.getString("tts.voice", "en-us"));
  }
}
