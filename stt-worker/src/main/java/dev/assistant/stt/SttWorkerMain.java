package dev.assistant.stt;

import dev.assistant.api.v1.Stage;
import dev.assistant.audio.AudioDecoder;
import dev.assistant.audio.AudioLimits;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.worker.WorkerMain;
import dev.assistant.stt.backend.TranscriptionException;
import dev.assistant.stt.backend.WhisperJniSpeechToText;
import dev.assistant.stt.backend.WhisperOptions;
import java.io.IOException;

/**
 * The stt-worker process: configuration, then the Whisper backend, then the handler, then the
 * shared transactional loop. Configuration keys are listed in docs/stages/stt.md.
 */
public final class SttWorkerMain {
  private SttWorkerMain() {}

  /** Backend options from configuration. */
  public static WhisperOptions whisperOptions(Config config) {
    int workerConcurrency =
        config.getInt("stt.worker.concurrency", config.getInt("worker.concurrency", 1));
    return new WhisperOptions(
        java.nio.file.Path.of(config.require("stt.model.path")),
        config.getInt(
            "stt.threads",
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
            1,
            256),
        config.getInt("stt.concurrency", workerConcurrency, 1, 256),
        (float) config.getDouble("stt.temperature.increment", 0),
        config.getInt("stt.window.seconds", 30, 5, 30));
  }

  /** Audio limits from configuration. */
  public static AudioLimits audioLimits(Config config) {
    return new AudioLimits(
        config.getBytes("limits.audio.max.bytes", 64L << 20),
        config.getDouble("limits.audio.max.seconds", 1800));
  }

  /** Server defaults from configuration. */
  public static SttDefaults defaults(Config config) {
    return new SttDefaults(config.get("stt.language"), config.getInt("stt.beam.size", 0, 0, 16));
  }

  /** Builds the handler around an opened backend. */
  public static SttHandler handler(WhisperJniSpeechToText backend, Config config) {
    AudioLimits limits = audioLimits(config);
    return new SttHandler(
        backend,
        new AudioDecoder(AudioDecoder.WHISPER_RATE, limits),
        defaults(config),
        limits.maxInputBytes());
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Config config = Config.fromArgs(args);
    WhisperJniSpeechToText backend = WhisperJniSpeechToText.open(whisperOptions(config));
    if (config.getBoolean("stt.warmup", true)) {
      try {
        backend.warmUp(); // before the loop starts, so the worker is not healthy before it
      } catch (TranscriptionException e) {
        backend.close();
        throw new IOException("the model failed its warm-up transcription: " + e.getMessage(), e);
      }
    }
    SttHandler handler = handler(backend, config);
    int status =
        WorkerMain.run(
            Stage.STAGE_STT, Topics::audioChunks, Topics::transcripts, handler, config, backend);
    System.exit(status);
  }
}
