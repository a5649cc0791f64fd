package dev.assistant.common.catalog;

import dev.assistant.api.v1.Stage;
import dev.assistant.common.kafka.CompactedTopicFollower;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.internal.v1.CatalogRecord;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
  private final CompactedTopicFollower follower;

  public CatalogView(KafkaSettings kafka, String topic) {
    this.follower =
        new CompactedTopicFollower(
            kafka,
            topic,
            "catalog-" + topic,
            new CompactedTopicFollower.Listener() {
              @Override
              public void apply(ConsumerRecord<String, byte[]> r) {
                CatalogView.this.apply(r.key(), r.value());
              }

              @Override
              public void stopped(RuntimeException cause) {
                log.error(
                    "catalog reader stopped: requests are no longer checked against it", cause);
                entries.clear(); // an outdated catalog must not refuse what workers now serve
              }
            });
  }

  /** Key of an instance's entry. */
  public static String key(Stage stage, String instanceId) {
    return stage.name().toLowerCase(Locale.ROOT) + "/" + instanceId;
  }

  public CatalogView start() {
    follower.start();
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

  @Override
  public void close() {
    follower.close();
  }
}
