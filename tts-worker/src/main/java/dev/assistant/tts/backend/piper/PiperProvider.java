package dev.assistant.tts.backend.piper;

import dev.assistant.common.config.Config;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.TextToSpeechProvider;

/** {@code tts.backend=piper}; {@code tts.piper.voices.dir} (required) and {@code tts.voice}. */
public final class PiperProvider implements TextToSpeechProvider {
  @Override
  public String name() {
    return PiperBackend.NAME;
  }

  @Override
  public TextToSpeech create(Config config) {
    return new PiperBackend(
        config
            .getPath("tts.piper.voices.dir")
            .orElseThrow(
                () ->
                    new dev.assistant.common.config.ConfigException(
                        "tts.piper.voices.dir is required for tts.backend=piper")),
        config.getString("tts.voice", ""));
  }
}
