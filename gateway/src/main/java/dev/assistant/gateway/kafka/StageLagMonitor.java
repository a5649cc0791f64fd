package dev.assistant.gateway.kafka;

import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures how far each stage's consumer group is behind its input topic, every few seconds, so
 * admission control can refuse new work while a stage is overloaded instead of queueing without
 * bound.
 */
public final class StageLagMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StageLagMonitor.class);

  private final Admin admin;
  private final Map<String, String> groupToTopic = new LinkedHashMap<>();
  private final Map<String, Long> limits = new HashMap<>();
  private final Map<String, Long> lags = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "stage-lag");
            t.setDaemon(true);
            return t;
          });

  public StageLagMonitor(Config config, KafkaSettings kafka, Topics topics) {
    this.admin = Admin.create(kafka.admin());
    String prefix = topics.prefix();
    add(config, prefix, "stt", topics.audioChunks(), 5000);
    add(config, prefix, "llm", topics.llmRequests(), 200);
    add(config, prefix, "tts", topics.ttsRequests(), 2000);
    long every =
        config
            .getDuration("gateway.admission.lag.refresh", java.time.Duration.ofSeconds(2))
            .toMillis();
    timer.scheduleWithFixedDelay(this::refresh, 0, every, TimeUnit.MILLISECONDS);
  }

  private void add(Config config, String prefix, String stage, String topic, long defaultLimit) {
    String group = config.getString(stage + ".worker.group.id", prefix + stage + "-worker");
    groupToTopic.put(group, topic);
    limits.put(group, config.getLong("gateway.admission.max.lag." + stage, defaultLimit));
  }

  /** The first stage whose lag is over its limit, with the lag; empty when all are fine. */
  public Optional<String> overloaded() {
    for (var e : groupToTopic.entrySet()) {
      long lag = lags.getOrDefault(e.getKey(), 0L);
      if (lag > limits.get(e.getKey())) {
        return Optional.of(e.getKey() + " is " + lag + " records behind");
      }
    }
    return Optional.empty();
  }

  private void refresh() {
    for (var e : groupToTopic.entrySet()) {
      try {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(e.getKey())
                .partitionsToOffsetAndMetadata()
                .get(5, TimeUnit.SECONDS);
        if (committed.isEmpty()) {
          lags.put(e.getKey(), 0L);
          continue;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
            admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
        long lag = 0;
        for (var c : committed.entrySet()) {
          if (c.getValue() != null && ends.containsKey(c.getKey())) {
            lag += Math.max(0, ends.get(c.getKey()).offset() - c.getValue().offset());
          }
        }
        lags.put(e.getKey(), lag);
      } catch (Exception ex) {
        log.debug("lag of {} unknown: {}", e.getKey(), ex.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    admin.close(java.time.Duration.ofSeconds(2));
  }
}
