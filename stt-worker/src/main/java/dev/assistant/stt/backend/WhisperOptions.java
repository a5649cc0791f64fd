package dev.assistant.stt.backend;

import java.nio.file.Path;

/**
 * How the whisper.cpp backend runs.
 *
 * @param modelPath a ggml Whisper model file (any size, English-only or multilingual)
 * @param threads compute threads per transcription
 * @param concurrency transcriptions that may run at once (one native state each)
 * @param temperatureIncrement whisper's fallback step when decoding fails its quality checks; 0
 *     disables the fallback so that decoding is deterministic (replays give identical outputs)
 * @param windowSeconds audio decoded per native call; each window yields a partial transcript
 */
public record WhisperOptions(
    Path modelPath, int threads, int concurrency, float temperatureIncrement, int windowSeconds) {

  public WhisperOptions {
    if (modelPath == null) {
      throw new IllegalArgumentException("model path is required");
    }
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException("threads must be in [1, 256], got " + threads);
    }
    if (concurrency < 1 || concurrency > 256) {
      throw new IllegalArgumentException("concurrency must be in [1, 256], got " + concurrency);
    }
    if (!(temperatureIncrement >= 0 && temperatureIncrement <= 1)) {
      throw new IllegalArgumentException(
          "temperature increment must be in [0, 1], got " + temperatureIncrement);
    }
    if (windowSeconds < 5 || windowSeconds > 30) {
      throw new IllegalArgumentException("window must be 5..30 s, got " + windowSeconds);
    }
  }

  /** One thread, one state, deterministic, 30 s windows. */
  public static WhisperOptions of(Path modelPath) {
    return new WhisperOptions(modelPath, 1, 1, 0f, 30);
  }
}
