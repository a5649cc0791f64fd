package dev.assistant.common.testing;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Partitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a whole topic with read_committed isolation, as the pipeline's consumers do. */
public final class TopicReader<T extends Message> implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final Parser<T> parser;
  private final List<T> seen = new ArrayList<>();

  public TopicReader(Config config, String topic, Parser<T> parser) {
    this.consumer = new KafkaConsumer<>(new KafkaSettings(config).consumer(null));
    this.parser = parser;
    List<TopicPartition> parts = Partitions.of(consumer, topic, Duration.ofSeconds(60));
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
  }

  /** Polls until {@code done} holds for everything read so far, or the timeout passes. */
  public List<T> readUntil(Predicate<List<T>> done, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.test(seen) && System.nanoTime() < end) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        try {
          seen.add(parser.parseFrom(r.value()));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new AssertionError("malformed record in " + r.topic(), e);
        }
      }
    }
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(2));
  }
}
