package dev.assistant.tts.backend.freetts;

import dev.assistant.common.config.Config;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.TextToSpeechProvider;

/** {@code tts.backend=freetts}; {@code tts.voice} picks the default voice (kevin16). */
public final class FreeTtsProvider implements TextToSpeechProvider {
  @Override
  public String name() {
    return FreeTtsBackend.NAME;
  }

  @Override
  public TextToSpeech create(Config config) {
    return new FreeTtsBackend(config.getString("tts.voice", FreeTtsBackend.DEFAULT_VOICE));
  }
}
