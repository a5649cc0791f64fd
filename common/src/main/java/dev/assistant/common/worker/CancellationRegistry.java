package dev.assistant.common.worker;

import dev.assistant.common.kafka.CompactedTopicFollower;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.internal.v1.ControlRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which requests are cancelled: every worker process follows the compacted control topic from its
 * beginning (no consumer group, all partitions) so a request cancelled while queued is skipped
 * wherever it lands. Entries older than the retention are forgotten.
 */
public final class CancellationRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CancellationRegistry.class);

  private final Map<String, Instant> cancelled = new ConcurrentHashMap<>();
  private final Duration retention;
  private final CompactedTopicFollower follower;
  private long lastPrune = System.currentTimeMillis();

  public CancellationRegistry(KafkaSettings kafka, String topic, Duration retention) {
    this.retention = retention;
    this.follower =
        new CompactedTopicFollower(
            kafka,
            topic,
            "control-" + topic,
            new CompactedTopicFollower.Listener() {
              @Override
              public void apply(ConsumerRecord<String, byte[]> r) {
                CancellationRegistry.this.apply(r);
              }

              @Override
              public void afterPoll() {
                prune();
              }

              @Override
              public void stopped(RuntimeException cause) {
                log.error("control topic reader stopped: cancellations are no longer seen", cause);
              }
            });
  }

  public CancellationRegistry start() {
    follower.start();
    return this;
  }

  public boolean isCancelled(String requestId) {
    return cancelled.containsKey(requestId);
  }

  /** Records a cancellation seen elsewhere (tests, in-process gateways). */
  public void markCancelled(String requestId) {
    cancelled.put(requestId, Instant.now());
  }

  private void prune() {
    if (System.currentTimeMillis() - lastPrune > 60_000) {
      Instant cutoff = Instant.now().minus(retention);
      cancelled.values().removeIf(t -> t.isBefore(cutoff));
      lastPrune = System.currentTimeMillis();
    }
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      cancelled.remove(r.key());
      return;
    }
    try {
      ControlRecord c = ControlRecord.parseFrom(r.value());
      if (c.getCancelled()) {
        cancelled.put(c.getRequestId(), Instant.ofEpochMilli(r.timestamp()));
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      log.warn(
          "skipping malformed control record at {}-{}@{}", r.topic(), r.partition(), r.offset());
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
