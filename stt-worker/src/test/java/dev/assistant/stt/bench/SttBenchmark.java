package dev.assistant.stt.bench;

import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Stage;
import dev.assistant.audio.WavWriter;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.testing.KafkaTestCluster;
import dev.assistant.common.testing.TopicReader;
import dev.assistant.common.worker.StageWorker;
import dev.assistant.common.worker.WorkerSettings;
import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.stt.SttWorkerMain;
import dev.assistant.stt.backend.TinyModels;
import dev.assistant.stt.backend.TranscriptionOptions;
import dev.assistant.stt.backend.WhisperHyperParameters;
import dev.assistant.stt.backend.WhisperJniSpeechToText;
import dev.assistant.stt.backend.WhisperOptions;
import dev.assistant.stt.tools.RandomGgmlModelWriter;
import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import io.github.givimad.whisperjni.WhisperState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Throughput of the stt-worker against raw whisper-jni on the same model and audio: Whisper tiny
 * and base dimensions with random weights, decoding capped by a short text context, temperature
 * fallback off. For each size and thread count it prints the minimum over N runs of raw {@code
 * whisper_full}, the backend, and the whole worker through Kafka (chunks produced to the final
 * transcript consumed), with real-time factors and the worker/raw throughput ratio.
 *
 * <pre>
 * mvn -q -B -pl stt-worker test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.assistant.stt.bench.SttBenchmark -Dexec.args="--runs 5 --seconds 20"
 * </pre>
 */
public final class SttBenchmark {
  private SttBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = 5;
    double seconds = 20;
    int textCtx = 64;
    List<String> sizes = List.of("tiny", "base");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--text-ctx" -> textCtx = Integer.parseInt(args[++i]);
        case "--sizes" -> sizes = List.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    float[] audio = TinyModels.speechLike(seconds);
    System.out.printf(
        "audio %.1f s, n_text_ctx %d, min of %d runs, %d cores%n",
        seconds, textCtx, runs, Runtime.getRuntime().availableProcessors());
    System.out.println(
        "| dims | threads | raw whisper-jni s | backend s | worker via Kafka s | RTF raw | RTF worker | worker/raw throughput |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String size : sizes) {
      WhisperHyperParameters hp =
          size.equals("base")
              ? WhisperHyperParameters.base(false, textCtx)
              : WhisperHyperParameters.tiny(false, textCtx);
      Path model = modelsDir().resolve(size + "-ctx" + textCtx + ".bin");
      if (!Files.exists(model)) {
        RandomGgmlModelWriter.write(model, hp, 7);
      }
      for (int threads : new int[] {1, 2}) {
        double[] best = compare(model, audio, threads, runs);
        System.out.printf(
            "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
            size,
            threads,
            best[0],
            best[1],
            best[2],
            best[0] / seconds,
            best[2] / seconds,
            best[0] / best[2]);
      }
    }
    System.exit(0);
  }

  /** Under the module's target/, whether Maven runs from the root or from the module. */
  private static Path modelsDir() {
    Path module = Path.of("stt-worker");
    return (Files.isDirectory(module) ? module.resolve("target") : Path.of("target"))
        .resolve("bench-models");
  }

  /**
   * Minimum times of raw whisper-jni, the backend and the worker through Kafka. The three run in
   * turn within each round, so that load from other processes on a shared machine hits them alike.
   */
  private static double[] compare(Path model, float[] audio, int threads, int runs)
      throws Exception {
    Config config =
        KafkaTestCluster.newConfig(
            Map.of(
                "stt.model.path", model.toString(),
                "stt.threads", Integer.toString(threads),
                "worker.concurrency", "1"));
    Topics t = Topics.from(config);
    byte[] wav = WavWriter.toWav(audio, 16_000);
    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
    WhisperJNI.loadLibrary();
    WhisperJNI jni = new WhisperJNI();
    WhisperContext ctx = jni.initNoState(model);
    WhisperState state = jni.initState(ctx);
    try (WhisperJniSpeechToText direct =
            WhisperJniSpeechToText.open(new WhisperOptions(model, threads, 1, 0f, 30));
        WhisperJniSpeechToText backend =
            WhisperJniSpeechToText.open(SttWorkerMain.whisperOptions(config));
        StageWorker<AudioChunkRecord> worker =
            new StageWorker<>(
                    WorkerSettings.from(
                        config,
                        Stage.STAGE_STT,
                        t.audioChunks(),
                        t.transcripts(),
                        t.dlq(),
                        t.control()),
                    new KafkaSettings(config),
                    SttWorkerMain.handler(backend, config),
                    id -> false)
                .start();
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(new KafkaSettings(config).idempotentProducer());
        TopicReader<StageOutput> reader =
            new TopicReader<>(config, t.transcripts(), StageOutput.parser())) {
      for (int r = 0; r <= runs; r++) { // round 0 warms up (consumer group, caches)
        double raw = rawOnce(jni, ctx, state, audio, threads);
        long t0 = System.nanoTime();
        direct.transcribe(
            audio, TranscriptionOptions.DEFAULT.withLanguage("en"), p -> {}, () -> false);
        double viaBackend = (System.nanoTime() - t0) / 1e9;
        double viaKafka = kafkaOnce(producer, reader, t, wav, "bench-" + threads + "-" + r);
        if (r > 0) {
          best[0] = Math.min(best[0], raw);
          best[1] = Math.min(best[1], viaBackend);
          best[2] = Math.min(best[2], viaKafka);
        }
      }
    } finally {
      jni.free(state);
      jni.free(ctx);
    }
    return best;
  }

  private static double rawOnce(
      WhisperJNI jni, WhisperContext ctx, WhisperState state, float[] audio, int threads) {
    WhisperFullParams p = new WhisperFullParams(WhisperSamplingStrategy.GREEDY);
    p.nThreads = threads;
    p.language = "en";
    p.noContext = true;
    p.temperature = 0;
    p.temperatureInc = 0;
    p.greedyBestOf = 1;
    p.printProgress = false;
    p.printTimestamps = false;
    long t0 = System.nanoTime();
    int rc = jni.fullWithState(ctx, state, p, audio, audio.length);
    if (rc != 0) {
      throw new IllegalStateException("whisper_full returned " + rc);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** From the first chunk sent to the final transcript read, for one request. */
  private static double kafkaOnce(
      KafkaProducer<String, byte[]> producer,
      TopicReader<StageOutput> reader,
      Topics t,
      byte[] wav,
      String id) {
    long t0 = System.nanoTime();
    int chunk = 256 * 1024;
    int n = (wav.length + chunk - 1) / chunk;
    for (int i = 0; i < n; i++) {
      AudioChunkRecord.Builder b =
          AudioChunkRecord.newBuilder()
              .setRequestId(id)
              .setSeq(i)
              .setData(
                  com.google.protobuf.ByteString.copyFrom(
                      wav, i * chunk, Math.min(chunk, wav.length - i * chunk)));
      if (i == 0) {
        b.setOptions(RequestOptions.newBuilder().setLanguage("en"));
      }
      if (i == n - 1) {
        b.setLast(true).setTotalChunks(n);
      }
      producer.send(new ProducerRecord<>(t.audioChunks(), id, b.build().toByteArray()));
    }
    producer.flush();
    List<StageOutput> seen =
        reader.readUntil(
            l -> l.stream().anyMatch(o -> o.getRequestId().equals(id) && o.getLast()),
            Duration.ofMinutes(5));
    if (seen.stream().noneMatch(o -> o.getRequestId().equals(id) && o.getLast())) {
      throw new IllegalStateException("no final transcript for " + id);
    }
    return (System.nanoTime() - t0) / 1e9;
  }
}
