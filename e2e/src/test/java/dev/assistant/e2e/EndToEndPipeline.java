package dev.assistant.e2e;

import com.google.protobuf.Message;
import dev.assistant.api.v1.Stage;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.testing.KafkaTestCluster;
import dev.assistant.common.worker.CancellationRegistry;
import dev.assistant.common.worker.StageHandler;
import dev.assistant.common.worker.StageWorker;
import dev.assistant.common.worker.WorkerSettings;
import dev.assistant.gateway.Gateway;
import dev.assistant.llm.LlmHandler;
import dev.assistant.llm.LlmMetrics;
import dev.assistant.llm.LlmSettings;
import dev.assistant.llm.backend.llava.LlavaModel;
import dev.assistant.stt.SttWorkerMain;
import dev.assistant.stt.backend.WhisperJniSpeechToText;
import dev.assistant.tts.TtsWorkerMain;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.TextToSpeechRegistry;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The whole system in one JVM, wired exactly as the worker mains wire it: the in-JVM KRaft broker,
 * the three stage workers with their real backends (whisper.cpp on a generated ggml model, LLaVA on
 * a generated checkpoint quantized to NF4, FreeTTS), the transactional worker loop with the
 * control-topic cancellation registry, and one gateway (gRPC in-process, coordinator inside).
 *
 * <p>Everything is closed in reverse start order; a failure half-way through start closes what was
 * already started.
 */
final class EndToEndPipeline implements AutoCloseable {
  /** Audio longer than this is refused; small so that the over-limit test stays cheap. */
  static final int MAX_AUDIO_SECONDS = 20;

  /** Images larger than this are refused at the gateway. */
  static final int MAX_IMAGE_BYTES = 64 * 1024;

  /** Answer length when a request asks for none: short, so every test stays fast. */
  static final int DEFAULT_MAX_TOKENS = 12;

  /** Longest answer a request may ask for (the cancellation test asks for it). */
  static final int MAX_TOKENS_LIMIT = 2000;

  /** Audio decoded per native call: 5 s makes a 12 s recording produce partial transcripts. */
  static final int STT_WINDOW_SECONDS = 5;

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private Config config;
  private Topics topics;
  private Gateway gateway;
  private ManagedChannel channel;
  private boolean onPort;

  /** Starts the pipeline; models are generated under {@code modelDir} once and then reused. */
  static EndToEndPipeline start(Path modelDir) throws Exception {
    return start(modelDir, false);
  }

  /**
   * Starts the pipeline with the gateway on a real TCP port of 127.0.0.1 (see {@link #port()}), for
   * clients that run as separate processes.
   */
  static EndToEndPipeline startOnPort(Path modelDir) throws Exception {
    return start(modelDir, true);
  }

  private static EndToEndPipeline start(Path modelDir, boolean onPort) throws Exception {
    EndToEndPipeline p = new EndToEndPipeline();
    p.onPort = onPort;
    try {
      p.startAll(modelDir);
      return p;
    } catch (Exception | Error e) {
      p.close();
      throw e;
    }
  }

  private void startAll(Path modelDir) throws Exception {
    Map<String, String> settings = new HashMap<>();
    settings.put("worker.flush.interval", "10ms");
    settings.put("worker.concurrency", "2");
    settings.put("worker.retry.backoff", "50ms");
    settings.put("gateway.admission.lag.enabled", "false");
    // The OpenAI-compatible API on a free port (OpenAiApiIT reads it from the gateway).
    settings.put("gateway.openai.port", "0");
    settings.put(
        "coordinator.state.dir",
        System.getProperty("java.io.tmpdir") + "/e2e-coordinator-" + UUID.randomUUID());
    settings.put("limits.audio.max.seconds", Integer.toString(MAX_AUDIO_SECONDS));
    settings.put("limits.image.bytes", Integer.toString(MAX_IMAGE_BYTES));
    settings.put("limits.max.tokens", Integer.toString(MAX_TOKENS_LIMIT));
    settings.put("stt.model.path", TestModels.whisper(modelDir).toString());
    settings.put("stt.threads", "1");
    settings.put("stt.window.seconds", Integer.toString(STT_WINDOW_SECONDS));
    settings.put("llm.model.dir", TestModels.llava(modelDir).toString());
    settings.put("llm.quantization", "nf4");
    settings.put("llm.device", "cpu");
    settings.put("llm.kv.budget", "256MiB");
    settings.put("llm.kernel.threads", "1");
    settings.put("llm.max.new.tokens", Integer.toString(DEFAULT_MAX_TOKENS));
    settings.put("llm.max.new.tokens.limit", Integer.toString(MAX_TOKENS_LIMIT));
    config = KafkaTestCluster.newConfig(settings);
    topics = Topics.from(config);
    KafkaSettings kafka = new KafkaSettings(config);

    // The same control-topic registry WorkerMain gives every worker: Cancel must travel for real.
    CancellationRegistry cancellations =
        own(new CancellationRegistry(kafka, topics.control(), java.time.Duration.ofHours(1)))
            .start();

    WhisperJniSpeechToText whisper =
        own(WhisperJniSpeechToText.open(SttWorkerMain.whisperOptions(config)));
    startWorker(
        Stage.STAGE_STT,
        Topics::audioChunks,
        Topics::transcripts,
        SttWorkerMain.handler(whisper, config),
        cancellations);

    LlmSettings llmSettings = LlmSettings.from(config);
    LlavaModel model = own(LlavaModel.load(llmSettings.model()));
    LlmHandler llm =
        own(new LlmHandler(model, llmSettings, new LlmMetrics(new PrometheusRegistry(), model)));
    startWorker(Stage.STAGE_LLM, Topics::llmRequests, Topics::llmTokens, llm, cancellations);

    TextToSpeech tts = own(new TextToSpeechRegistry().create(config));
    startWorker(
        Stage.STAGE_TTS,
        Topics::ttsRequests,
        Topics::audioOut,
        TtsWorkerMain.handler(tts, config),
        cancellations);

    String id = "e2e-gw-" + UUID.randomUUID().toString().substring(0, 6);
    gateway =
        own(new Gateway(
                config.with("gateway.id", id),
                onPort
                    ? NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    : InProcessServerBuilder.forName(id)))
            .start();
    channel =
        onPort
            ? NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build()
            : InProcessChannelBuilder.forName(id).directExecutor().build();
    started.push(() -> channel.shutdownNow());
  }

  private <I extends Message> void startWorker(
      Stage stage,
      Function<Topics, String> in,
      Function<Topics, String> out,
      StageHandler<I> handler,
      CancellationRegistry cancellations) {
    WorkerSettings ws =
        WorkerSettings.from(
            config.with("worker.instance.id", "e2e-" + WorkerSettings.stageName(stage)),
            stage,
            in.apply(topics),
            out.apply(topics),
            topics.dlq(),
            topics.control());
    own(
        new StageWorker<>(ws, new KafkaSettings(config), handler, cancellations::isCancelled)
            .start());
  }

  private <T extends AutoCloseable> T own(T resource) {
    started.push(resource);
    return resource;
  }

  Config config() {
    return config;
  }

  Topics topics() {
    return topics;
  }

  Gateway gateway() {
    return gateway;
  }

  ManagedChannel channel() {
    return channel;
  }

  /** The gateway's TCP port (pipelines started with {@link #startOnPort}). */
  int port() {
    return gateway.port();
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("e2e: error while stopping the pipeline: " + e);
      }
    }
  }
}
