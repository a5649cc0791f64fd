package dev.assistant.tts;

import dev.assistant.api.v1.Stage;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.worker.WorkerMain;
import dev.assistant.tts.audio.AudioOutputEncoder;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.TextToSpeechRegistry;
import dev.assistant.tts.text.TextNormalizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speech-synthesis worker: configuration → backend ({@code tts.backend}) → {@link TtsHandler} →
 * the shared transactional loop, from {@code tts.requests} to {@code audio.out}.
 */
public final class TtsWorkerMain {
  private static final Logger log = LoggerFactory.getLogger(TtsWorkerMain.class);

  private TtsWorkerMain() {}

  /** Builds the handler for a backend from the {@code tts.*} keys. */
  public static TtsHandler handler(TextToSpeech tts, Config config) {
    int bitrate = config.getInt("tts.opus.bitrate", 24_000, 6_000, 256_000);
    int chunkBytes = config.getInt("tts.chunk.bytes", 64 * 1024, 1024, 1 << 20);
    return new TtsHandler(tts, new TextNormalizer(), new AudioOutputEncoder(bitrate), chunkBytes);
  }

  public static void main(String[] args) {
    Config config = Config.fromArgs(args);
    TextToSpeech tts = new TextToSpeechRegistry().create(config);
    log.info("tts backend {} ready; voices {}", tts.name(), tts.voices());
    int status =
        WorkerMain.run(
            Stage.STAGE_TTS,
            Topics::ttsRequests,
            Topics::audioOut,
            handler(tts, config),
            config,
            tts);
    System.exit(status);
  }
}
