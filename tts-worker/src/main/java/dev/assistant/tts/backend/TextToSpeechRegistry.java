package dev.assistant.tts.backend;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds backends by name among the {@link TextToSpeechProvider}s on the class path. */
public final class TextToSpeechRegistry {

  /** Configuration key naming the backend. */
  public static final String BACKEND_KEY = "tts.backend";

  /** Backend used when {@code tts.backend} is not set: needs nothing installed. */
  public static final String DEFAULT_BACKEND = "freetts";

  private final Map<String, TextToSpeechProvider> providers = new TreeMap<>();

  public TextToSpeechRegistry() {
    for (TextToSpeechProvider p : ServiceLoader.load(TextToSpeechProvider.class)) {
      providers.put(p.name(), p);
    }
  }

  /** Names of the available backends. */
  public java.util.Set<String> names() {
    return providers.keySet();
  }

  /** Creates the backend named {@code name}. */
  public TextToSpeech create(String name, Config config) {
    TextToSpeechProvider provider = providers.get(name);
    if (provider == null) {
      throw new ConfigException(
          BACKEND_KEY + "=" + name + " is not a known backend; choose one of " + names());
    }
    return provider.create(config);
  }

  /** Creates the backend named by {@code tts.backend}. */
  public TextToSpeech create(Config config) {
    return create(config.getString(BACKEND_KEY, DEFAULT_BACKEND), config);
  }
}
