package dev.assistant.common.worker;

import dev.assistant.common.kafka.KafkaSettings;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Creates the Kafka clients a {@link StageWorker} runs on. The worker asks for a new producer each
 * time it has to replace a fenced or broken one; a unit test hands in Kafka's {@code MockConsumer}
 * and {@code MockProducer} instead of clients of a broker.
 */
public interface KafkaClients {

  /** The consumer of the stage's input topic, in the stage's consumer group. */
  Consumer<String, byte[]> consumer();

  /**
   * A new transactional producer; every one has the same transactional ID, so it fences the last.
   */
  Producer<String, byte[]> producer();

  /** Clients of the configured cluster for one worker instance. */
  static KafkaClients of(KafkaSettings kafka, WorkerSettings settings) {
    Map<String, Object> consumerProps = kafka.consumer(settings.groupId());
    consumerProps.put("client.id", settings.instanceId() + "-consumer");
    // Static membership: an instance restarted under the same ID (a supervisor, a StatefulSet)
    // takes its partitions back at once, without a rebalance of the whole stage.
    consumerProps.put("group.instance.id", settings.instanceId());
    Map<String, Object> producerProps = kafka.transactionalProducer(settings.instanceId());
    producerProps.put("client.id", settings.instanceId() + "-producer");
    return new KafkaClients() {
      @Override
      public Consumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(consumerProps);
      }

      @Override
      public Producer<String, byte[]> producer() {
        return new KafkaProducer<>(producerProps);
      }
    };
  }
}
