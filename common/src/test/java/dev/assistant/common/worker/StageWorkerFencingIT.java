package dev.assistant.common.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.testing.KafkaTestCluster;
import dev.assistant.common.testing.TopicReader;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TtsRequestRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A worker whose producer is fenced (the broker aborted its transaction, or a short-lived process
 * took its transactional ID) replaces the producer and goes on, instead of stopping for good.
 */
class StageWorkerFencingIT {

  @Test
  void aFencedWorkerReplacesItsProducerAndLosesNothing() throws Exception {
    Config config = KafkaTestCluster.newConfig(Map.of("worker.flush.interval", "10ms"));
    Topics t = Topics.from(config);
    try (var w =
            StageWorkerIT.worker(config, new StageWorkerIT.CharStreamHandler(5), "fenced-worker");
        var p = new KafkaProducer<String, byte[]>(new KafkaSettings(config).idempotentProducer());
        var reader = new TopicReader<>(config, t.audioOut(), StageOutput.parser())) {
      send(p, t, "before", "first words");
      reader.readUntil(l -> l.stream().anyMatch(StageOutput::getLast), Duration.ofSeconds(60));

      // Another producer registers the worker's transactional ID: the worker's producer is fenced.
      try (var twin =
          new KafkaProducer<String, byte[]>(
              new KafkaSettings(config).transactionalProducer("fenced-worker"))) {
        twin.initTransactions();
      }
      for (int i = 0; i < 10; i++) {
        send(p, t, "after" + i, "still answering " + i);
      }
      List<StageOutput> out =
          reader.readUntil(
              l -> l.stream().filter(StageOutput::getLast).count() >= 11, Duration.ofSeconds(90));
      assertTrue(w.isRunning(), "the worker is still running");
      Map<String, String> texts = StageWorkerIT.textPerRequest(out, new HashMap<>());
      assertEquals(11, texts.size());
      assertEquals("first words", texts.get("before"));
      for (int i = 0; i < 10; i++) {
        assertEquals("still answering " + i, texts.get("after" + i));
      }
    }
  }

  private static void send(KafkaProducer<String, byte[]> p, Topics t, String id, String text)
      throws Exception {
    p.send(
            new ProducerRecord<>(
                t.ttsRequests(),
                id,
                TtsRequestRecord.newBuilder().setRequestId(id).setText(text).build().toByteArray()))
        .get();
  }
}
