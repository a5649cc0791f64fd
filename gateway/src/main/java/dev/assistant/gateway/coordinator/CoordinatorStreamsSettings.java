package dev.assistant.gateway.coordinator;

import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The coordinator's Kafka Streams settings, over the clients' shared ones. */
final class CoordinatorStreamsSettings {
  private CoordinatorStreamsSettings() {}

  /** Kafka Streams with exactly-once v2 and a short commit interval (streaming under EOS). */
  static Map<String, Object> of(Config config, KafkaSettings kafka, String applicationId) {
    Map<String, Object> p = new HashMap<>();
    kafka.common().forEach(p::put);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
        config.getString("kafka.streams.commit.interval.ms", "20"));
    // The stream thread commits only between polls: a poll that blocks for the default 100 ms
    // with nothing to read holds back the commit of what was just processed, and with it every
    // downstream stage. Polling in short slices lets the commit interval be what decides.
    p.put(StreamsConfig.POLL_MS_CONFIG, config.getString("kafka.streams.poll.ms", "5"));
    // Each input record otherwise makes Streams check, and describe in formatted log text, every
    // empty partition of its task, for event-time ordering across topics the coordinator does
    // not depend on (its state handles any arrival order). That check was a quarter of its CPU.
    p.put(
        StreamsConfig.MAX_TASK_IDLE_MS_CONFIG,
        config.getString(
            "kafka.streams.max.task.idle.ms",
            Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED)));
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "0");
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        (int) Math.min(Integer.MAX_VALUE, config.getBytes("topics.max.message.bytes", 64L << 20)));
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
        config.getString("kafka.consumer.fetch.max.wait.ms", "20"));
    kafka.groupLiveness().forEach((k, v) -> p.put(StreamsConfig.mainConsumerPrefix(k), v));
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        config.getString("kafka.transaction.timeout.ms", "5000"));
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) Topics.from(config).replicationFactor());
    p.put(
        StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt("kafka.streams.threads", 1, 1, 64));
    p.putAll(config.withPrefix("kafka.streams.client."));
    return p;
  }
}
