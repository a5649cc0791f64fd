package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The real broker process: start, topics, exactly-once produce/consume, restart, stop. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalBrokerIT {
  static LocalBroker broker;
  static Config config;

  @BeforeAll
  static void useSharedBroker() {
    broker = SharedTestBroker.get();
    BrokerOptions o = broker.options();
    config =
        Config.of(
            Map.of(
                "broker.port", Integer.toString(o.port()),
                "broker.controller.port", Integer.toString(o.controllerPort()),
                "broker.data.dir", o.dataDir().toString(),
                "broker.classpath.file", System.getProperty("broker.classpath.file"),
                "topics.partitions", "3",
                "topics.prefix", "it."));
  }

  @Test
  void provisionsEveryTopicWithConfiguredPartitionsAndLimits() throws Exception {
    Config own = config.with("topics.prefix", "provision.");
    Topics topics = Topics.from(own);
    List<String> created = broker.provisionTopics(own);
    assertEquals(Set.copyOf(topics.all()), Set.copyOf(created));
    assertEquals(List.of(), broker.provisionTopics(own), "second run creates nothing");
    try (Admin admin = Admin.create(LocalBroker.adminSettings(broker.bootstrapServers()))) {
      Map<String, TopicDescription> d =
          admin.describeTopics(topics.all()).allTopicNames().get(30, TimeUnit.SECONDS);
      d.values().forEach(t -> assertEquals(3, t.partitions().size(), t.name()));
      var resource = new ConfigResource(ConfigResource.Type.TOPIC, topics.results());
      var cfg = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS);
      assertEquals("compact", cfg.get(resource).get("cleanup.policy").value());
    }
  }

  @Test
  void committedTransactionsAreVisibleAndAbortedOnesAreNot() throws Exception {
    broker.provisionTopics(config);
    String topic = Topics.from(config).transcripts();
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "local-broker-it",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "r1", "aborted"));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "r1", "one"));
      producer.send(new ProducerRecord<>(topic, "r1", "two"));
      producer.commitTransaction();
    }
    Map<String, Object> c =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "local-broker-it",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class);
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (seen.size() < 2 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.value());
        }
      }
      consumer.commitSync();
    }
    assertEquals(List.of("one", "two"), seen);
  }

  @Test
  void refusesASecondBrokerOnTheSamePort() {
    var clash =
        BrokerOptions.from(
            config.with("broker.controller.port", Integer.toString(FreePorts.next())),
            broker.options().dataDir().resolve("other"));
    var e = assertThrows(RuntimeException.class, () -> LocalBroker.start(clash));
    assertTrue(e.getMessage().contains("already in use"), e.getMessage());
    assertTrue(broker.isAlive());
  }

  @Test
  @Order(Integer.MAX_VALUE) // last: it restarts the broker the other tests use
  void restartsOnFormattedStorageAndKeepsTopics() {
    Config own = config.with("topics.prefix", "restart.");
    broker.provisionTopics(own);
    long before = broker.pid();
    broker = SharedTestBroker.restart();
    assertTrue(broker.pid() != before, "a new broker process");
    assertEquals(List.of(), broker.provisionTopics(own), "topics survived the restart");
  }
}
