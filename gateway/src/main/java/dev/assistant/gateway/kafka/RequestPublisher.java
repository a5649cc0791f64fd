package dev.assistant.gateway.kafka;

import com.google.protobuf.Message;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.ControlRecord;
import dev.assistant.internal.v1.RequestRecord;
import dev.assistant.internal.v1.RouteRecord;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes what the gateway accepts onto Kafka. An idempotent producer with acks=all: the gateway
 * only forwards client input, so it needs no read-process-write transaction, and a record the
 * broker acknowledged is durable. Keys are request IDs, so a request's records share a partition.
 */
public final class RequestPublisher implements RequestSink, AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final Topics topics;

  public RequestPublisher(KafkaSettings kafka, Topics topics, String gatewayId) {
    var props = kafka.idempotentProducer();
    props.put("client.id", gatewayId + "-publisher");
    this.producer = new KafkaProducer<>(props);
    this.topics = topics;
  }

  @Override
  public CompletableFuture<RecordMetadata> request(RequestRecord r) {
    return send(topics.requests(), r.getRequestId(), r);
  }

  @Override
  public CompletableFuture<RecordMetadata> audio(AudioChunkRecord chunk) {
    return send(topics.audioChunks(), chunk.getRequestId(), chunk);
  }

  @Override
  public CompletableFuture<RecordMetadata> control(ControlRecord c) {
    return send(topics.control(), c.getRequestId(), c);
  }

  @Override
  public CompletableFuture<RecordMetadata> route(RouteRecord r) {
    return send(topics.routes(), r.getRequestId(), r);
  }

  private CompletableFuture<RecordMetadata> send(String topic, String key, Message value) {
    CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
    producer.send(
        new ProducerRecord<>(topic, key, value.toByteArray()),
        (md, e) -> {
          if (e != null) {
            done.completeExceptionally(e);
          } else {
            done.complete(md);
          }
        });
    return done;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
