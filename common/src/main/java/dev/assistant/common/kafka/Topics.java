package dev.assistant.common.kafka;

import dev.assistant.common.config.Config;
import java.util.List;

/**
 * Names and sizing of every topic, from configuration. {@code topics.prefix} lets several
 * deployments share one cluster; {@code topics.<name>.name} renames one topic.
 */
public record Topics(
    String prefix,
    String requests,
    String audioChunks,
    String transcripts,
    String llmRequests,
    String llmTokens,
    String ttsRequests,
    String audioOut,
    String results,
    String control,
    String routes,
    String dlq,
    String catalog,
    String repliesPrefix,
    int partitions,
    short replicationFactor) {

  /** Default partition count; replicas of a stage never exceed it. */
  public static final int DEFAULT_PARTITIONS = 12;

  public static Topics from(Config config) {
    String prefix = config.getString("topics.prefix", "");
    return new Topics(
        prefix,
        name(config, prefix, "requests"),
        name(config, prefix, "audio.chunks"),
        name(config, prefix, "transcripts"),
        name(config, prefix, "llm.requests"),
        name(config, prefix, "llm.tokens"),
        name(config, prefix, "tts.requests"),
        name(config, prefix, "audio.out"),
        name(config, prefix, "results"),
        name(config, prefix, "control"),
        name(config, prefix, "routes"),
        name(config, prefix, "dlq"),
        name(config, prefix, "catalog"),
        prefix + config.getString("topics.replies.prefix", "replies."),
        config.getInt("topics.partitions", DEFAULT_PARTITIONS, 1, 10_000),
        (short) config.getInt("topics.replication.factor", 1, 1, 16));
  }

  private static String name(Config config, String prefix, String base) {
    return config.getString("topics." + base + ".name", prefix + base);
  }

  /** Reply topic of one gateway instance. */
  public String repliesFor(String gatewayId) {
    return repliesPrefix + gatewayId;
  }

  /** Every shared topic (reply topics are created by each gateway for itself). */
  public List<String> all() {
    return List.of(
        requests,
        audioChunks,
        transcripts,
        llmRequests,
        llmTokens,
        ttsRequests,
        audioOut,
        results,
        control,
        routes,
        dlq,
        catalog);
  }

  /** Compacted topics: only the latest record per key (request, or worker instance) matters. */
  public boolean isCompacted(String topic) {
    return topic.equals(results) || topic.equals(control) || topic.equals(catalog);
  }
}
