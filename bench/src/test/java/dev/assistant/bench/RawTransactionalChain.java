package dev.assistant.bench;

import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The reference: read-process-write hops written with bare Kafka clients, exactly once
 * (read_committed, transactional producer, offsets in the transaction, one transaction per poll
 * batch). The same client settings as the pipeline, so the comparison isolates the pipeline's own
 * cost.
 */
final class RawTransactionalChain implements AutoCloseable {
  private final List<Thread> threads = new ArrayList<>();
  private final List<KafkaConsumer<String, byte[]>> consumers = new ArrayList<>();
  private volatile boolean closed;
  final List<String> topics = new ArrayList<>();

  RawTransactionalChain(Config config, int hops, int partitions) throws Exception {
    KafkaSettings kafka = new KafkaSettings(config);
    String prefix = "raw" + UUID.randomUUID().toString().substring(0, 6) + ".";
    for (int i = 0; i <= hops; i++) {
      topics.add(prefix + "t" + i);
    }
    try (Admin admin = Admin.create(kafka.admin())) {
      List<NewTopic> newTopics = new ArrayList<>();
      topics.forEach(t -> newTopics.add(new NewTopic(t, partitions, (short) 1)));
      admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
    }
    for (int i = 0; i < hops; i++) {
      String in = topics.get(i);
      String out = topics.get(i + 1);
      KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(kafka.consumer(prefix + "hop" + i));
      KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(kafka.transactionalProducer(prefix + "hop" + i));
      consumers.add(consumer);
      Thread t = new Thread(() -> forward(consumer, producer, in, out), "raw-hop-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  private void forward(
      KafkaConsumer<String, byte[]> consumer,
      KafkaProducer<String, byte[]> producer,
      String in,
      String out) {
    try {
      producer.initTransactions();
      consumer.subscribe(List.of(in));
      while (!closed) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
          producer.send(new ProducerRecord<>(out, r.key(), r.value()));
          offsets.put(
              new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        producer.commitTransaction();
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      producer.close(Duration.ofSeconds(2));
      consumer.close(Duration.ofSeconds(2));
    }
  }

  String first() {
    return topics.get(0);
  }

  String last() {
    return topics.get(topics.size() - 1);
  }

  static byte[] stamp() {
    return ByteBuffer.allocate(64).putLong(System.nanoTime()).array();
  }

  static double ageMs(byte[] value) {
    return (System.nanoTime() - ByteBuffer.wrap(value).getLong()) / 1e6;
  }

  @Override
  public void close() {
    closed = true;
    consumers.forEach(KafkaConsumer::wakeup);
    for (Thread t : threads) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
