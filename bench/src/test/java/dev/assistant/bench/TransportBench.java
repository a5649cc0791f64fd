package dev.assistant.bench;

import com.google.protobuf.Parser;
import dev.assistant.api.v1.Answer;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.AudioChunk;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.Stage;
import dev.assistant.api.v1.StageTiming;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.TopicProvisioner;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.worker.StageContext;
import dev.assistant.common.worker.StageHandler;
import dev.assistant.common.worker.StageWorker;
import dev.assistant.common.worker.WorkerSettings;
import dev.assistant.gateway.Gateway;
import dev.assistant.internal.v1.LlmRequestRecord;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TokenDelta;
import dev.assistant.internal.v1.TtsRequestRecord;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Transport benchmark of the platform, in one run against one broker (exactly-once throughout):
 *
 * <ol>
 *   <li>the raw floor: latency of one transactional read-process-write hop with bare clients;
 *   <li>the raw 3-hop transactional ceiling: messages/s through three bare hops;
 *   <li>the pipeline overhead: end-to-end time of a text request through gateway, coordinator, llm
 *       and tts stages, minus the time the (zero-work) handlers report, at a steady rate;
 *   <li>the pipeline's request-throughput ceiling (closed loop);
 *   <li>all of the pipeline figures again for several transaction commit intervals.
 * </ol>
 *
 * Usage: {@code TransportBench <bootstrap> [rate=50] [seconds=20] [intervalsMs=5,20,100]}.
 * bench/run-pipeline-bench.sh starts a broker process and runs this.
 */
public final class TransportBench {
  /**
   * Requests kept outstanding when measuring the ceiling. A closed loop completes at most
   * outstanding ÷ latency requests/s, so too few would measure latency, not capacity.
   */
  static final int OUTSTANDING = Integer.getInteger("bench.outstanding", 512);

  private TransportBench() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:19092";
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    String intervals = args.length > 3 ? args[3] : "5,20,100";
    // Set to measure only the pipeline against a broker that is already warm (quicker iteration).
    boolean pipelineOnly = Boolean.getBoolean("bench.pipelineOnly");
    Config base =
        Config.of(
                Map.of(
                    "kafka.bootstrap.servers", bootstrap,
                    "topics.partitions", "12",
                    "gateway.admission.lag.enabled", "false",
                    "gateway.max.inflight", "100000",
                    // Measures the gRPC path only; no web playground on a fixed port.
                    "gateway.web.enabled", "false"))
            // ASSISTANT_* variables and -D properties override, to compare client settings.
            .withAll(
                Config.load(java.util.Optional.empty(), System.getenv(), System.getProperties())
                    .asMap());
    System.out.printf(
        "transport benchmark: broker %s, %d cores%n",
        bootstrap, Runtime.getRuntime().availableProcessors());

    if (!pipelineOnly) {
      warmUpBroker(base, rate);
    }
    Stats floor = rawFloor(base, rate, pipelineOnly ? 8 : seconds);
    System.out.println(
        "raw floor (1 transactional hop, bare clients, " + rate + " msg/s): " + floor);
    double rawCeiling = pipelineOnly ? Double.NaN : rawCeiling(base, 3, 20_000);
    System.out.printf("raw 3-hop transactional ceiling: %.0f msg/s%n", rawCeiling);

    int hops = 5;
    System.out.printf(
        "%npipeline (text request: gateway → requests → coordinator → llm.requests → llm → llm.tokens"
            + " → coordinator → tts.requests → tts → audio.out → coordinator → replies → gateway;"
            + " %d transactional hops)%n",
        hops);
    System.out.println(
        "interval_ms | overhead p50 | overhead p99 | e2e p50 | e2e p99 | ceiling req/s | target overhead ≤ "
            + Stats.fmt(1.3 * hops * floor.p50())
            + " ms, p99 ≤ 50 ms, ceiling ≥ "
            + Stats.fmt(0.8 * rawCeiling));
    for (String interval : intervals.split(",")) {
      Config config =
          base.with("topics.prefix", "b" + UUID.randomUUID().toString().substring(0, 6) + ".")
              .with("worker.flush.interval", interval + "ms")
              .with("kafka.streams.commit.interval.ms", interval);
      try (Pipeline p = new Pipeline(config)) {
        p.warmUp(rate);
        Result steady = p.steady(rate, seconds);
        double ceiling = p.ceiling(OUTSTANDING, seconds);
        System.out.printf(
            "%11s | %12s | %12s | %7s | %7s | %13.0f%n",
            interval,
            Stats.fmt(steady.overhead.p50()),
            Stats.fmt(steady.overhead.p99()),
            Stats.fmt(steady.e2e.p50()),
            Stats.fmt(steady.e2e.p99()),
            ceiling);
        System.out.printf(
            "    overhead/(hops×floor p50) = %.2f, ceiling/raw 3-hop ceiling = %.2f%n",
            steady.overhead.p50() / (hops * floor.p50()), ceiling / rawCeiling);
      }
    }
    System.exit(0);
  }

  /**
   * A freshly started broker runs interpreted code for its first half minute or so: the floor
   * measured then is 5× the warm figure. Runs short floor rounds until two in a row agree.
   */
  static void warmUpBroker(Config config, int rate) throws Exception {
    double previous = Double.MAX_VALUE;
    for (int round = 1; round <= 8; round++) {
      double p50 = rawFloor(config, rate, 8).p50();
      System.out.printf("  broker warm-up round %d: floor p50 %.1f ms%n", round, p50);
      if (agree(p50, previous)) {
        return;
      }
      previous = p50;
    }
  }

  /** Two warm-up rounds agree when their medians are within 20% of each other. */
  static boolean agree(double p50, double previous) {
    return Math.abs(p50 - previous) <= 0.2 * Math.min(p50, previous);
  }

  /** Latency of one bare transactional hop at a steady rate. */
  static Stats rawFloor(Config config, int rate, int seconds) throws Exception {
    try (RawTransactionalChain chain = new RawTransactionalChain(config, 1, 1);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(new KafkaSettings(config).idempotentProducer());
        KafkaConsumer<String, byte[]> consumer =
            new KafkaConsumer<>(
                new KafkaSettings(config).consumer("raw-floor-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(chain.last()));
      waitForAssignment(consumer);
      int warm = rate * 2;
      int total = rate * seconds + warm;
      List<Double> samples = Collections.synchronizedList(new ArrayList<>());
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
      AtomicInteger sent = new AtomicInteger();
      timer.scheduleAtFixedRate(
          () -> {
            if (sent.incrementAndGet() <= total) {
              producer.send(
                  new ProducerRecord<>(chain.first(), "k", RawTransactionalChain.stamp()));
            }
          },
          0,
          1_000_000 / rate,
          TimeUnit.MICROSECONDS);
      int received = 0;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 30);
      while (received < total && System.nanoTime() < end) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (received++ >= warm) {
            samples.add(RawTransactionalChain.ageMs(r.value()));
          }
        }
      }
      timer.shutdownNow();
      return Stats.of(samples);
    }
  }

  /** Messages per second through a chain of bare transactional hops, flooded. */
  static double rawCeiling(Config config, int hops, int messages) throws Exception {
    try (RawTransactionalChain chain = new RawTransactionalChain(config, hops, 12);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(new KafkaSettings(config).idempotentProducer());
        KafkaConsumer<String, byte[]> consumer =
            new KafkaConsumer<>(
                new KafkaSettings(config).consumer("raw-ceiling-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(chain.last()));
      waitForAssignment(consumer);
      Thread.sleep(3000); // let every hop join its group before the flood
      long start = System.nanoTime();
      for (int i = 0; i < messages; i++) {
        producer.send(new ProducerRecord<>(chain.first(), "k" + i, RawTransactionalChain.stamp()));
      }
      producer.flush();
      int received = 0;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (received < messages && System.nanoTime() < end) {
        received += consumer.poll(Duration.ofMillis(100)).count();
      }
      return received / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static void waitForAssignment(KafkaConsumer<String, byte[]> consumer) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (consumer.assignment().isEmpty() && System.nanoTime() < end) {
      consumer.poll(Duration.ofMillis(100));
    }
  }

  record Result(Stats e2e, Stats overhead) {}

  /** The platform with handlers that do no model work, so what is measured is transport. */
  static final class Pipeline implements AutoCloseable {
    private final Gateway gateway;
    private final ManagedChannel channel;
    private final List<StageWorker<?>> workers = new ArrayList<>();

    Pipeline(Config config) throws Exception {
      Topics topics = Topics.from(config);
      try (Admin admin = Admin.create(new KafkaSettings(config).admin())) {
        new TopicProvisioner(topics, config).ensureAll(admin);
      }
      workers.add(
          worker(
              config,
              topics,
              Stage.STAGE_LLM,
              Topics::llmRequests,
              Topics::llmTokens,
              new OneSentenceAnswer()));
      workers.add(
          worker(
              config,
              topics,
              Stage.STAGE_TTS,
              Topics::ttsRequests,
              Topics::audioOut,
              new OneChunkSpeech()));
      String id = "bench-" + UUID.randomUUID().toString().substring(0, 6);
      gateway =
          new Gateway(
                  config
                      .with("gateway.id", id)
                      .with("gateway.openai.port", "0")
                      .with(
                          "coordinator.state.dir",
                          System.getProperty("java.io.tmpdir") + "/bench-" + id),
                  NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
              .start();
      channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
    }

    private static <I extends com.google.protobuf.Message> StageWorker<I> worker(
        Config config,
        Topics topics,
        Stage stage,
        Function<Topics, String> in,
        Function<Topics, String> out,
        StageHandler<I> handler) {
      WorkerSettings s =
          WorkerSettings.from(
              config.with("worker.concurrency", "16"),
              stage,
              in.apply(topics),
              out.apply(topics),
              topics.dlq(),
              topics.control());
      return new StageWorker<>(s, new KafkaSettings(config), handler, id -> false).start();
    }

    /**
     * Runs the steady load in rounds until the JIT compiler has gone quiet and the median stops
     * moving. On two cores the compiler threads take most of a core for the first minute or two
     * (gateway, coordinator, two workers and the client share this JVM), and what is measured then
     * is compilation, not transport.
     */
    void warmUp(int rate) throws Exception {
      var compiler = ManagementFactory.getCompilationMXBean();
      double previous = Double.MAX_VALUE;
      for (int round = 1; round <= 15; round++) {
        long jitBefore = compiler.getTotalCompilationTime();
        double p50 = steady(rate, 10).e2e().p50();
        long jitMs = compiler.getTotalCompilationTime() - jitBefore;
        System.out.printf(
            "  pipeline warm-up round %d: e2e p50 %.1f ms, %d ms compiling%n", round, p50, jitMs);
        if (jitMs < 1000 && agree(p50, previous)) {
          return;
        }
        previous = p50;
      }
    }

    /** One request; completes the latch with e2e and handler time. */
    private void ask(int i, Function<double[], Void> done) {
      long start = System.nanoTime();
      AssistantGrpc.newStub(channel)
          .ask(
              AskRequest.newBuilder().setPrompt("question " + i).build(),
              new StreamObserver<>() {
                double handlerMs;

                @Override
                public void onNext(Event e) {
                  if (e.hasCompleted()) {
                    for (StageTiming t : e.getCompleted().getTimingsList()) {
                      handlerMs +=
                          t.getProcessing().getSeconds() * 1e3 + t.getProcessing().getNanos() / 1e6;
                    }
                  }
                }

                @Override
                public void onError(Throwable t) {
                  done.apply(new double[] {-1, 0});
                }

                @Override
                public void onCompleted() {
                  done.apply(new double[] {(System.nanoTime() - start) / 1e6, handlerMs});
                }
              });
    }

    Result steady(int rate, int seconds) throws Exception {
      int total = rate * seconds;
      List<Double> e2e = Collections.synchronizedList(new ArrayList<>());
      List<Double> overhead = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch latch = new CountDownLatch(total);
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
      AtomicInteger sent = new AtomicInteger();
      timer.scheduleAtFixedRate(
          () -> {
            int i = sent.incrementAndGet();
            if (i <= total) {
              ask(
                  i,
                  r -> {
                    if (r[0] >= 0) {
                      e2e.add(r[0]);
                      overhead.add(r[0] - r[1]);
                    }
                    latch.countDown();
                    return null;
                  });
            }
          },
          0,
          1_000_000 / rate,
          TimeUnit.MICROSECONDS);
      latch.await(seconds + 60L, TimeUnit.SECONDS);
      timer.shutdownNow();
      return new Result(Stats.of(e2e), Stats.of(overhead));
    }

    /** Completed requests per second with a fixed number outstanding. */
    double ceiling(int concurrency, int seconds) throws Exception {
      Semaphore slots = new Semaphore(concurrency);
      AtomicInteger completed = new AtomicInteger();
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      int i = 0;
      while (System.nanoTime() < end) {
        if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
        ask(
            i++,
            r -> {
              if (r[0] >= 0) {
                completed.incrementAndGet();
              }
              slots.release();
              return null;
            });
      }
      double rate = completed.get() / ((System.nanoTime() - start) / 1e9);
      slots.acquire(concurrency); // drain before the next phase
      slots.release(concurrency);
      return rate;
    }

    @Override
    public void close() {
      channel.shutdownNow();
      gateway.close();
      workers.forEach(StageWorker::close);
    }
  }

  /** An answer of two tokens and a final record, no model work. */
  static final class OneSentenceAnswer implements StageHandler<LlmRequestRecord> {
    @Override
    public Parser<LlmRequestRecord> parser() {
      return LlmRequestRecord.parser();
    }

    @Override
    public boolean handle(LlmRequestRecord r, StageContext ctx) {
      ctx.emit(
          StageOutput.newBuilder()
              .setToken(TokenDelta.newBuilder().setText("Yes").setTokenCount(1)));
      ctx.emit(
          StageOutput.newBuilder().setToken(TokenDelta.newBuilder().setText(".").setTokenCount(1)));
      ctx.emit(
          StageOutput.newBuilder()
              .setLast(true)
              .setAnswer(Answer.newBuilder().setText("Yes.").setFinishReason("stop")));
      return true;
    }
  }

  /** One audio chunk per sentence, no synthesis. */
  static final class OneChunkSpeech implements StageHandler<TtsRequestRecord> {
    @Override
    public Parser<TtsRequestRecord> parser() {
      return TtsRequestRecord.parser();
    }

    @Override
    public long sequenceBase(TtsRequestRecord r) {
      return r.getSentenceIndex() * 1000L;
    }

    @Override
    public boolean handle(TtsRequestRecord r, StageContext ctx) {
      ctx.emit(
          StageOutput.newBuilder()
              .setLast(r.getLast())
              .setAudio(
                  AudioChunk.newBuilder()
                      .setSentenceIndex(r.getSentenceIndex())
                      .setLast(r.getLast())
                      .setLastInSentence(true)));
      return true;
    }
  }
}
