package dev.assistant.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Partition discovery for consumers that assign partitions themselves instead of subscribing. */
public final class Partitions {
  private Partitions() {}

  /**
   * All partitions of a topic. A topic created a moment ago may not be in the metadata yet, so this
   * asks again until it is or the timeout passes.
   */
  public static List<TopicPartition> of(Consumer<?, ?> consumer, String topic, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> parts = new ArrayList<>();
        infos.forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        return parts;
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("topic " + topic + " has no partitions (does it exist?)");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while looking up " + topic, e);
      }
    }
  }
}
