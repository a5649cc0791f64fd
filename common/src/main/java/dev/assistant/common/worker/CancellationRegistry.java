package dev.assistant.common.worker;

import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Partitions;
import dev.assistant.internal.v1.ControlRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
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
  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Duration retention;
  private final Thread thread;
  private volatile boolean closed;

  public CancellationRegistry(KafkaSettings kafka, String topic, Duration retention) {
    this.consumer = new KafkaConsumer<>(kafka.consumer(null));
    this.topic = topic;
    this.retention = retention;
    this.thread = new Thread(this::run, "control-" + topic);
    this.thread.setDaemon(true);
  }

  public CancellationRegistry start() {
    thread.start();
    return this;
  }

  public boolean isCancelled(String requestId) {
    return cancelled.containsKey(requestId);
  }

  /** Records a cancellation seen elsewhere (tests, in-process gateways). */
  public void markCancelled(String requestId) {
    cancelled.put(requestId, Instant.now());
  }

  private void run() {
    try {
      List<TopicPartition> partitions = Partitions.of(consumer, topic, Duration.ofSeconds(60));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long lastPrune = System.currentTimeMillis();
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(r);
        }
        if (System.currentTimeMillis() - lastPrune > 60_000) {
          Instant cutoff = Instant.now().minus(retention);
          cancelled.values().removeIf(t -> t.isBefore(cutoff));
          lastPrune = System.currentTimeMillis();
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        log.error("control topic reader woken unexpectedly", e);
      }
    } catch (RuntimeException e) {
      log.error("control topic reader stopped: cancellations are no longer seen", e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
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
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
