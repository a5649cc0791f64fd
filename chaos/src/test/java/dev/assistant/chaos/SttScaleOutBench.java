package dev.assistant.chaos;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.Topics;
import dev.assistant.deploy.LocalStack;
import dev.assistant.deploy.StackOptions;
import dev.assistant.deploy.StackService;
import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.StageOutput;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Scale-out of the speech stage, measured on real processes (not a test; run {@code
 * chaos/run-scaleout-bench.sh}). For each worker count the launcher starts a broker and that many
 * stt-worker processes (one whisper thread each, Whisper tiny dimensions with random weights); the
 * same batch of recordings is written to {@code audio.chunks} at once, and the time from the first
 * record to the last final transcript (read_committed) gives recordings per second. Prints the
 * figure per count, the ratio to one worker, and the cores this machine has, which bound the ratio.
 *
 * <p>Arguments: {@code [recordings=16] [seconds=5] [counts=1,2]}.
 */
public final class SttScaleOutBench {
  private static final int PARTITIONS = 8;

  private SttScaleOutBench() {}

  public static void main(String[] args) throws Exception {
    int recordings = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
    String[] counts = (args.length > 2 ? args[2] : "1,2").split(",");
    Path root = Path.of(System.getProperty("repo.root", ".")).toAbsolutePath();
    byte[] wav = TestInputs.wav(TestInputs.pcm16(seconds, 3));
    Map<Integer, Double> rate = new HashMap<>();
    for (String c : counts) {
      int n = Integer.parseInt(c.trim());
      rate.put(n, measure(root, n, recordings, wav));
    }
    int cores = Runtime.getRuntime().availableProcessors();
    double base = rate.getOrDefault(1, Double.NaN);
    System.out.printf(
        Locale.ROOT,
        "%n=== stt scale-out: %d recordings of %.1f s, Whisper tiny dims, 1 thread per worker,"
            + " %d cores ===%n",
        recordings,
        seconds,
        cores);
    System.out.printf(
        Locale.ROOT,
        "%8s %16s %12s %22s%n",
        "workers",
        "recordings/s",
        "÷ 1 worker",
        "cores allow (≤)");
    rate.keySet().stream()
        .sorted()
        .forEach(
            n ->
                System.out.printf(
                    Locale.ROOT,
                    "%8d %16.2f %12.2f %22d%n",
                    n,
                    rate.get(n),
                    rate.get(n) / base,
                    Math.min(n, cores)));
  }

  private static double measure(Path root, int workers, int recordings, byte[] wav)
      throws Exception {
    Path run = Files.createTempDirectory("stt-scale-");
    Map<String, String> m = new HashMap<>();
    m.put("launcher.run.dir", run.toString());
    m.put("launcher.services", "stt");
    m.put("launcher.scale", "stt=" + workers);
    m.put("broker.port", Integer.toString(freePort()));
    m.put("broker.controller.port", Integer.toString(freePort()));
    m.put(StackService.STT.metricsPortKey(), Integer.toString(freePort()));
    m.put("topics.partitions", Integer.toString(PARTITIONS));
    m.put("stt.threads", "1");
    String classpath = System.getProperty("broker.classpath.file");
    if (classpath != null) {
      m.put("broker.classpath.file", classpath);
    }
    Config config = Config.of(m);
    Topics topics = Topics.from(config);
    try (LocalStack stack = LocalStack.start(config, StackOptions.from(config, root))) {
      String bootstrap = stack.bootstrapServers();
      warmUp(bootstrap, topics, wav);
      List<String> ids = balancedIds(recordings, PARTITIONS);
      long t0 = System.nanoTime();
      send(bootstrap, topics, ids, wav);
      awaitFinalTranscripts(bootstrap, topics, new HashSet<>(ids));
      double elapsed = (System.nanoTime() - t0) / 1e9;
      double perSecond = recordings / elapsed;
      System.out.printf(
          Locale.ROOT,
          "%d worker(s): %d recordings in %.1f s = %.2f/s%n",
          workers,
          recordings,
          elapsed,
          perSecond);
      return perSecond;
    }
  }

  /**
   * Request IDs spread evenly over the partitions (as Kafka's default partitioner places keys), so
   * that every worker gets the same share: random IDs on few partitions would measure the luck of
   * the draw, not the workers.
   */
  static List<String> balancedIds(int count, int partitions) {
    int[] per = new int[partitions];
    int quota = (count + partitions - 1) / partitions;
    List<String> ids = new ArrayList<>();
    while (ids.size() < count) {
      String id = "scale-" + UUID.randomUUID();
      int p = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
      if (per[p] < quota) {
        per[p]++;
        ids.add(id);
      }
    }
    return ids;
  }

  /** One recording per worker first: model load and JIT are not what is measured. */
  private static void warmUp(String bootstrap, Topics topics, byte[] wav) throws Exception {
    List<String> ids = balancedIds(PARTITIONS, PARTITIONS); // every partition, so every worker
    send(bootstrap, topics, ids, wav);
    awaitFinalTranscripts(bootstrap, topics, new HashSet<>(ids));
  }

  private static void send(String bootstrap, Topics topics, List<String> ids, byte[] wav)
      throws Exception {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      for (String id : ids) {
        AudioChunkRecord chunk =
            AudioChunkRecord.newBuilder()
                .setRequestId(id)
                .setSeq(0)
                .setEncoding(AudioEncoding.AUDIO_ENCODING_WAV)
                .setData(ByteString.copyFrom(wav))
                .setLast(true)
                .setTotalChunks(1)
                .build();
        producer.send(new ProducerRecord<>(topics.audioChunks(), id, chunk.toByteArray())).get();
      }
    }
  }

  private static void awaitFinalTranscripts(String bootstrap, Topics topics, Set<String> ids) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    Set<String> waiting = new HashSet<>(ids);
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          c.partitionsFor(topics.transcripts(), Duration.ofSeconds(30)).stream()
              .map(i -> new TopicPartition(topics.transcripts(), i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = System.nanoTime() + Duration.ofMinutes(20).toNanos();
      while (!waiting.isEmpty()) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException(waiting.size() + " recordings never got a transcript");
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
          try {
            StageOutput o = StageOutput.parseFrom(r.value());
            if (o.getLast()) {
              waiting.remove(o.getRequestId());
            }
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
