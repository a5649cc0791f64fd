package dev.assistant.common.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Parser;
import dev.assistant.api.v1.Stage;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.testing.KafkaTestCluster;
import dev.assistant.common.testing.TopicReader;
import dev.assistant.internal.v1.DeadLetter;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TokenDelta;
import dev.assistant.internal.v1.TtsRequestRecord;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** The transactional loop on a real broker, with a deterministic test handler. */
class StageWorkerIT {

  /** Emits one output per character of the text, then a last marker; "bad" is invalid input. */
  static final class CharStreamHandler implements StageHandler<TtsRequestRecord> {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final long pauseMs;

    CharStreamHandler(long pauseMs) {
      this.pauseMs = pauseMs;
    }

    @Override
    public Parser<TtsRequestRecord> parser() {
      return TtsRequestRecord.parser();
    }

    @Override
    public boolean handle(TtsRequestRecord record, StageContext context) throws Exception {
      int call =
          calls.computeIfAbsent(record.getRequestId(), k -> new AtomicInteger()).incrementAndGet();
      if (record.getText().equals("bad")) {
        throw new InvalidInputException("text 'bad' is not allowed");
      }
      if (record.getText().startsWith("flaky") && call == 1) {
        context.emit(token("f"));
        throw new IllegalStateException("transient failure");
      }
      for (char c : record.getText().toCharArray()) {
        if (context.isCancelled()) {
          return true;
        }
        context.emit(token(String.valueOf(c)));
        if (pauseMs > 0) {
          Thread.sleep(pauseMs);
        }
      }
      context.emit(StageOutput.newBuilder().setLast(true).setToken(TokenDelta.newBuilder()));
      return true;
    }

    private static StageOutput.Builder token(String s) {
      return StageOutput.newBuilder().setToken(TokenDelta.newBuilder().setText(s).setTokenCount(1));
    }
  }

  static StageWorker<TtsRequestRecord> worker(
      Config config, CharStreamHandler handler, String instance) {
    Topics t = Topics.from(config);
    WorkerSettings s =
        WorkerSettings.from(
            config.with("worker.instance.id", instance).with("worker.concurrency", "4"),
            Stage.STAGE_TTS,
            t.ttsRequests(),
            t.audioOut(),
            t.dlq(),
            t.control());
    return new StageWorker<>(s, new KafkaSettings(config), handler, id -> false).start();
  }

  private static KafkaProducer<String, byte[]> producer(Config config) {
    return new KafkaProducer<>(new KafkaSettings(config).idempotentProducer());
  }

  private static Future<RecordMetadata> send(
      KafkaProducer<String, byte[]> p, String topic, String id, String text) {
    return p.send(
        new ProducerRecord<>(
            topic,
            id,
            TtsRequestRecord.newBuilder().setRequestId(id).setText(text).build().toByteArray()));
  }

  /**
   * Fails at once when an input was not written, instead of as missing outputs a minute later
   * (flush() would wait out the producer's delivery timeout and report nothing).
   */
  private static void awaitWritten(List<Future<RecordMetadata>> sends) throws Exception {
    for (Future<RecordMetadata> f : sends) {
      f.get(30, TimeUnit.SECONDS);
    }
  }

  /** Dedups by (request, seq) as consumers do, and returns the text per request. */
  static Map<String, String> textPerRequest(List<StageOutput> outputs, Map<String, Integer> dups) {
    Map<String, TreeMap<Integer, StageOutput>> byRequest = new HashMap<>();
    for (StageOutput o : outputs) {
      StageOutput previous =
          byRequest
              .computeIfAbsent(o.getRequestId(), k -> new TreeMap<>())
              .putIfAbsent(o.getSeq(), o);
      if (previous != null) {
        assertEquals(previous.getToken(), o.getToken(), "a replayed output must be identical");
        dups.merge(o.getRequestId(), 1, Integer::sum);
      }
    }
    Map<String, String> texts = new HashMap<>();
    byRequest.forEach(
        (id, seqs) -> {
          StringBuilder sb = new StringBuilder();
          int expected = 0;
          for (var e : seqs.entrySet()) {
            assertEquals(expected++, e.getKey(), "gap in the sequence of " + id);
            sb.append(e.getValue().getToken().getText());
          }
          assertTrue(seqs.lastEntry().getValue().getLast(), id + " has no last output");
          texts.put(id, sb.toString());
        });
    return texts;
  }

  @Test
  void everyRequestProducesItsOutputsInOrderExactlyOnce() throws Exception {
    Config config = KafkaTestCluster.newConfig();
    Topics t = Topics.from(config);
    CharStreamHandler handler = new CharStreamHandler(0);
    try (var w = worker(config, handler, "w1");
        var p = producer(config);
        var reader = new TopicReader<>(config, t.audioOut(), StageOutput.parser())) {
      Map<String, String> expected = new HashMap<>();
      List<Future<RecordMetadata>> sends = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String id = "r" + i;
        String text = "hello " + i;
        expected.put(id, text);
        sends.add(send(p, t.ttsRequests(), id, text));
      }
      awaitWritten(sends);
      List<StageOutput> out =
          reader.readUntil(
              l -> l.stream().filter(StageOutput::getLast).count() >= 60, Duration.ofSeconds(60));
      Map<String, Integer> dups = new HashMap<>();
      assertEquals(expected, textPerRequest(out, dups));
      assertTrue(dups.isEmpty(), "no duplicates without failures: " + dups);
    }
  }

  @Test
  void malformedAndInvalidRecordsGoToTheDeadLetterTopicAndTheWorkerKeepsGoing() throws Exception {
    Config config = KafkaTestCluster.newConfig();
    Topics t = Topics.from(config);
    CharStreamHandler handler = new CharStreamHandler(0);
    try (var w = worker(config, handler, "w1");
        var p = producer(config);
        var dlq = new TopicReader<>(config, t.dlq(), DeadLetter.parser());
        var reader = new TopicReader<>(config, t.audioOut(), StageOutput.parser())) {
      awaitWritten(
          List.of(
              p.send(
                  new ProducerRecord<>(
                      t.ttsRequests(), "garbage", new byte[] {(byte) 0xff, 0x01, 0x02})),
              send(p, t.ttsRequests(), "invalid", "bad"),
              send(p, t.ttsRequests(), "flaky", "flaky ok"),
              send(p, t.ttsRequests(), "after", "still alive")));
      List<DeadLetter> dead = dlq.readUntil(l -> l.size() >= 2, Duration.ofSeconds(60));
      assertEquals(2, dead.size());
      Map<String, DeadLetter> byId = new HashMap<>();
      dead.forEach(d -> byId.put(d.getRequestId(), d));
      assertEquals(Status.Code.INVALID_ARGUMENT.value(), byId.get("garbage").getCode());
      assertTrue(
          byId.get("garbage").getReason().contains("malformed"), byId.get("garbage").getReason());
      assertEquals(3, byId.get("garbage").getValue().size(), "original bytes are kept");
      assertEquals("text 'bad' is not allowed", byId.get("invalid").getReason());
      assertEquals(t.ttsRequests(), byId.get("invalid").getTopic());

      List<StageOutput> out =
          reader.readUntil(
              l ->
                  l.stream().filter(o -> o.getRequestId().equals("after") && o.getLast()).count()
                          == 1
                      && l.stream()
                              .filter(o -> o.getRequestId().equals("flaky") && o.getLast())
                              .count()
                          == 1,
              Duration.ofSeconds(60));
      StageOutput invalidError =
          out.stream().filter(o -> o.getRequestId().equals("invalid")).findFirst().orElseThrow();
      assertEquals(Status.Code.INVALID_ARGUMENT.value(), invalidError.getError().getCode());
      Map<String, Integer> dups = new HashMap<>();
      Map<String, String> texts =
          textPerRequest(out.stream().filter(o -> !o.hasError()).toList(), dups);
      assertEquals("still alive", texts.get("after"));
      assertEquals("flaky ok", texts.get("flaky"), "a retry replays the same sequence numbers");
      assertEquals(2, handler.calls.get("flaky").get());
    }
  }

  @Test
  void killingAWorkerMidStreamLosesAndDuplicatesNothingAfterDedup() throws Exception {
    Config config = KafkaTestCluster.newConfig(Map.of("worker.flush.interval", "10ms"));
    Topics t = Topics.from(config);
    Map<String, String> expected = new HashMap<>();
    try (var p = producer(config);
        var reader = new TopicReader<>(config, t.audioOut(), StageOutput.parser())) {
      StageWorker<TtsRequestRecord> first = worker(config, new CharStreamHandler(15), "crashing");
      List<Future<RecordMetadata>> sends = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String id = "long" + i;
        String text = "a fairly long streamed answer number " + i;
        expected.put(id, text);
        sends.add(send(p, t.ttsRequests(), id, text));
      }
      awaitWritten(sends);
      // Let some outputs commit, then die without committing the rest.
      reader.readUntil(l -> l.size() >= 40, Duration.ofSeconds(60));
      first.abort();
      try (var second = worker(config, new CharStreamHandler(0), "crashing")) {
        List<StageOutput> out =
            reader.readUntil(
                l ->
                    l.stream()
                            .filter(StageOutput::getLast)
                            .map(StageOutput::getRequestId)
                            .distinct()
                            .count()
                        >= 12,
                Duration.ofSeconds(90));
        Map<String, Integer> dups = new HashMap<>();
        assertEquals(expected, textPerRequest(out, dups));
      }
    }
  }
}
