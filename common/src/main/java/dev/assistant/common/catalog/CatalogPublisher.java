package dev.assistant.common.catalog;

import com.google.protobuf.util.Timestamps;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.internal.v1.CatalogRecord;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces what one worker instance serves on the compacted catalog topic, and withdraws it with a
 * tombstone when the worker stops gracefully. A killed worker's entry stays until the instance
 * starts again under the same ID (it overwrites it): the catalog errs towards accepting.
 */
public final class CatalogPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatalogPublisher.class);

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final String key;

  private CatalogPublisher(KafkaProducer<String, byte[]> producer, String topic, String key) {
    this.producer = producer;
    this.topic = topic;
    this.key = key;
  }

  /** Publishes the entry and waits until the broker has it. */
  public static CatalogPublisher publish(KafkaSettings kafka, String topic, CatalogRecord entry)
      throws InterruptedException {
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.idempotentProducer());
    String key = CatalogView.key(entry.getStage(), entry.getInstanceId());
    CatalogRecord stamped = entry.toBuilder().setPublishedAt(Timestamps.now()).build();
    try {
      producer
          .send(new ProducerRecord<>(topic, key, stamped.toByteArray()))
          .get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      producer.close(Duration.ZERO);
      throw new IllegalStateException("cannot publish the catalog entry " + key, e);
    }
    log.info("published catalog entry {}", key);
    return new CatalogPublisher(producer, topic, key);
  }

  /** Withdraws the entry (a tombstone), then closes. */
  @Override
  public void close() {
    try {
      producer.send(new ProducerRecord<>(topic, key, null)).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("could not withdraw catalog entry {}: {}", key, e.toString());
    } finally {
      producer.close(Duration.ofSeconds(2));
    }
  }
}
