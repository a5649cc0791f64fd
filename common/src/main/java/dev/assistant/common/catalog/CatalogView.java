package dev.assistant.common.catalog;

import dev.assistant.api.v1.Stage;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Partitions;
import dev.assistant.internal.v1.CatalogRecord;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog as a reader sees it: every worker instance's entry, followed from the compacted
 * topic's beginning (no consumer group, all partitions) on a background thread.
 *
 * <p>Thread-safe: {@link #entries(Stage)} may be called from any thread.
 */
public final class CatalogView implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatalogView.class);

  private final Map<String, CatalogRecord> entries = new ConcurrentHashMap<>();
  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Thread thread;
  private volatile boolean closed;

  public CatalogView(KafkaSettings kafka, String topic) {
    this.consumer = new KafkaConsumer<>(kafka.consumer(null));
    this.topic = topic;
    this.thread = new Thread(this::run, "catalog-" + topic);
    this.thread.setDaemon(true);
  }

  /** Key of an instance's entry. */
  public static String key(Stage stage, String instanceId) {
    return stage.name().toLowerCase(Locale.ROOT) + "/" + instanceId;
  }

  public CatalogView start() {
    thread.start();
    return this;
  }

  /** The entries of one stage's instances (empty when none has announced itself yet). */
  public List<CatalogRecord> entries(Stage stage) {
    return entries.values().stream().filter(e -> e.getStage() == stage).toList();
  }

  /** Applies one record of the topic (a tombstone removes the instance). */
  void apply(String key, byte[] value) {
    if (value == null) {
      entries.remove(key);
      return;
    }
    try {
      entries.put(key, CatalogRecord.parseFrom(value));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      log.warn("skipping malformed catalog entry {}", key);
    }
  }

  private void run() {
    try {
      List<TopicPartition> partitions = Partitions.of(consumer, topic, Duration.ofSeconds(60));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(r.key(), r.value());
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        log.error("catalog reader woken unexpectedly", e);
      }
    } catch (RuntimeException e) {
      log.error("catalog reader stopped: requests are no longer checked against it", e);
      entries.clear(); // an outdated catalog must not refuse what workers now serve
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
