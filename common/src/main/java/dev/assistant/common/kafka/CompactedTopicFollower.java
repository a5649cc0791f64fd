package dev.assistant.common.kafka;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a compacted topic from its beginning — no consumer group, every partition — on a daemon
 * thread, handing each record to a listener. Every process that needs the topic's whole state
 * (cancellations, the catalog) reads it this way.
 */
public final class CompactedTopicFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CompactedTopicFollower.class);

  /** What the follower does with the topic. Called on the follower's thread only. */
  public interface Listener {
    /** One record; a null value is a tombstone. */
    void apply(ConsumerRecord<String, byte[]> record);

    /** After each poll, records or not (periodic housekeeping). */
    default void afterPoll() {}

    /** The follower stopped on an error: nothing more will be applied. */
    void stopped(RuntimeException cause);
  }

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Listener listener;
  private final Thread thread;
  private volatile boolean closed;

  public CompactedTopicFollower(
      KafkaSettings kafka, String topic, String threadName, Listener listener) {
    this.consumer = new KafkaConsumer<>(kafka.consumer(null));
    this.topic = topic;
    this.listener = listener;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  public CompactedTopicFollower start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      List<TopicPartition> partitions = Partitions.of(consumer, topic, Duration.ofSeconds(60));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          listener.apply(r);
        }
        listener.afterPoll();
      }
    } catch (WakeupException e) {
      if (!closed) {
        log.error("reader of {} woken unexpectedly", topic, e);
      }
    } catch (RuntimeException e) {
      listener.stopped(e);
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
