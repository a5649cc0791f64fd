package dev.assistant.common.kafka;

import dev.assistant.common.config.Config;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka client settings for every service, from configuration.
 *
 * <p>{@code kafka.bootstrap.servers} names the cluster. Security and any other client setting pass
 * through unchanged: {@code kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*}
 * (and {@code kafka.client.<any>} for anything else). The latency-relevant defaults below were
 * chosen by measurement (docs/BENCHMARKS.md): transactional hops need a short {@code
 * retry.backoff.ms}, or a transaction begun while the previous commit's markers are still being
 * written waits 100 ms. Transactions are short (one flush interval), so their timeout is short too:
 * a worker that dies with one open blocks read_committed readers of its partitions only that long.
 *
 * <p>Group members are found dead by a short session timeout (6 s, the smallest a broker accepts
 * with its default {@code group.min.session.timeout.ms}), so the partitions of a killed worker move
 * within seconds instead of the client default of 45 s. See docs/DECISIONS.md ("Takeover").
 */
public final class KafkaSettings {
  private final Config config;

  public KafkaSettings(Config config) {
    this.config = config;
  }

  public String bootstrapServers() {
    return config.getString("kafka.bootstrap.servers", "127.0.0.1:9092");
  }

  /** Settings shared by every client: cluster address and security. */
  public Map<String, Object> common() {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config
        .asMap()
        .forEach(
            (k, v) -> {
              if (k.startsWith("kafka.security.")
                  || k.startsWith("kafka.sasl.")
                  || k.startsWith("kafka.ssl.")) {
                p.put(k.substring("kafka.".length()), v);
              }
            });
    p.put(
        CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG,
        config.getString("kafka.retry.backoff.ms", "5"));
    p.put(
        CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG,
        config.getString("kafka.retry.backoff.max.ms", "200"));
    p.putAll(config.withPrefix("kafka.client."));
    return p;
  }

  /** A transactional producer of byte-array records. */
  public Map<String, Object> transactionalProducer(String transactionalId) {
    Map<String, Object> p = common();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, config.getString("kafka.producer.linger.ms", "0"));
    p.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        (int) Math.min(Integer.MAX_VALUE, config.getBytes("topics.max.message.bytes", 64L << 20)));
    p.put(
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
        config.getString("kafka.transaction.timeout.ms", "5000"));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.putAll(config.withPrefix("kafka.producer."));
    return p;
  }

  /** An idempotent, non-transactional producer (the gateway's request publisher). */
  public Map<String, Object> idempotentProducer() {
    Map<String, Object> p = transactionalProducer("unused");
    p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    p.remove(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    // A broker (before Kafka 4.5, KAFKA-15591) accepts any first sequence from an idempotent
    // producer it holds no state for on a partition. With several requests in flight, one refused
    // retriably (NOT_LEADER_OR_FOLLOWER: a partition just created or changing leader) can be
    // overtaken by the next; its retries then get OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery
    // timeout and its records are lost. One request in flight keeps retries in order. Transactional
    // producers do not need this: the broker requires sequence 0 from them (transactions v2).
    p.put(
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
        config.getString("kafka.producer.max.in.flight.requests.per.connection", "1"));
    return p;
  }

  /** A read_committed consumer in a group, offsets committed only through transactions. */
  public Map<String, Object> consumer(String groupId) {
    Map<String, Object> p = common();
    if (groupId != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
      // Incremental rebalancing: adding a worker moves only the partitions it takes over, so
      // requests in flight on the other partitions are not abandoned and redone.
      p.put(
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    }
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
    p.put(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
        config.getString("kafka.consumer.fetch.max.wait.ms", "20"));
    p.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        config.getString("kafka.consumer.max.poll.interval.ms", "300000"));
    p.putAll(groupLiveness());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.putAll(config.withPrefix("kafka.consumer."));
    return p;
  }

  /**
   * How fast a dead group member is noticed: session timeout and heartbeat interval of the classic
   * group protocol ({@code kafka.session.timeout.ms}, {@code kafka.heartbeat.interval.ms}).
   */
  public Map<String, Object> groupLiveness() {
    int session = config.getInt("kafka.session.timeout.ms", 6000, 1000, 1_800_000);
    int heartbeat =
        config.getInt("kafka.heartbeat.interval.ms", Math.max(250, session / 6), 100, session / 3);
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, heartbeat);
    return p;
  }

  /** An admin client. */
  public Map<String, Object> admin() {
    return common();
  }
}
