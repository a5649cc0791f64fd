package dev.assistant.tts.backend;

import dev.assistant.common.config.Config;

/**
 * Creates a backend from configuration. Providers are found with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services}), so a new engine is added without touching the worker.
 */
public interface TextToSpeechProvider {

  /** Name used in {@code tts.backend}. */
  String name();

  /**
   * Creates and fully initializes the backend: voice files are validated and loaded now, so a
   * misconfiguration fails at start and not on the first request.
   *
   * @throws IllegalStateException or {@link dev.assistant.common.config.ConfigException} with a
   *     message that says what is wrong and how to fix it
   */
  TextToSpeech create(Config config);
}
