package dev.assistant.gateway.kafka;

import dev.assistant.api.v1.Event;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Partitions;
import dev.assistant.internal.v1.ControlAck;
import dev.assistant.internal.v1.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this gateway's reply topic (read_committed: aborted coordinator output never reaches a
 * client) and hands each event to the calls waiting for its request, and each acknowledgement to
 * the call that asked for it. Starts at the end of the topic: replies to an earlier incarnation's
 * calls have nobody to go to.
 */
public final class ReplyListener implements ReplySource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplyListener.class);

  /** Receives the events of one request. */
  public interface EventListener {
    void onEvent(Event event);
  }

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Map<String, List<EventListener>> listeners = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<ControlAck>> acks = new ConcurrentHashMap<>();
  private final Thread thread;
  private final CountDownLatch assigned = new CountDownLatch(1);
  private volatile boolean closed;

  public ReplyListener(KafkaSettings kafka, String topic, String gatewayId) {
    var props = kafka.consumer(null);
    props.put("client.id", gatewayId + "-replies");
    this.consumer = new KafkaConsumer<>(props);
    this.topic = topic;
    this.thread = new Thread(this::run, "replies-" + gatewayId);
    this.thread.setDaemon(true);
  }

  /** Starts reading; returns once positioned at the end of the topic. */
  public ReplyListener start() {
    thread.start();
    try {
      if (!assigned.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("reply topic " + topic + " not readable in 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return this;
  }

  /** Registers a listener for a request's events; the returned handle unregisters it. */
  @Override
  public AutoCloseable listen(String requestId, EventListener listener) {
    listeners.computeIfAbsent(requestId, k -> new CopyOnWriteArrayList<>()).add(listener);
    return () ->
        listeners.computeIfPresent(
            requestId,
            (k, list) -> {
              list.remove(listener);
              return list.isEmpty() ? null : list;
            });
  }

  /** A future completed by the acknowledgement with this correlation ID. */
  @Override
  public CompletableFuture<ControlAck> expectAck(String correlationId) {
    CompletableFuture<ControlAck> f = new CompletableFuture<>();
    acks.put(correlationId, f);
    f.whenComplete((a, e) -> acks.remove(correlationId));
    return f;
  }

  /** Calls currently listening. */
  public int listeningRequests() {
    return listeners.size();
  }

  private void run() {
    try {
      List<TopicPartition> parts = Partitions.of(consumer, topic, Duration.ofSeconds(60));
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position); // resolve the end offsets now, before calls register
      assigned.countDown();
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          dispatch(r);
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        log.error("reply listener woken unexpectedly", e);
      }
    } catch (RuntimeException e) {
      log.error("reply listener stopped", e);
    } finally {
      assigned.countDown();
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void dispatch(ConsumerRecord<String, byte[]> r) {
    Reply reply;
    try {
      reply = Reply.parseFrom(r.value());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      log.error("malformed reply at offset {}", r.offset());
      return;
    }
    if (reply.hasAck()) {
      CompletableFuture<ControlAck> f = acks.get(reply.getAck().getCorrelationId());
      if (f != null) {
        f.complete(reply.getAck());
      }
    } else if (reply.hasEvent()) {
      List<EventListener> ls = listeners.get(reply.getEvent().getRequestId());
      if (ls != null) {
        for (EventListener l : ls) {
          try {
            l.onEvent(reply.getEvent());
          } catch (RuntimeException e) {
            log.warn("event listener failed", e);
          }
        }
      }
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
