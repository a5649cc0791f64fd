package dev.assistant.common.kafka;

import dev.assistant.common.config.Config;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics when they are missing, with the configured partition count,
 * replication, size limits and retention. Existing topics are left as they are (partition counts of
 * a live topic must not change silently: keys would move between partitions).
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  private final Topics topics;
  private final long maxRecordBytes;
  private final long eventRetentionMs;

  public TopicProvisioner(Topics topics, Config config) {
    this.topics = topics;
    this.maxRecordBytes = config.getBytes("topics.max.message.bytes", 64L << 20);
    this.eventRetentionMs =
        config.getDuration("topics.retention", java.time.Duration.ofDays(1)).toMillis();
  }

  /** Topic-level settings of one topic. */
  public Map<String, String> settingsFor(String topic) {
    Map<String, String> cfg = new HashMap<>();
    if (topics.isCompacted(topic)) {
      cfg.put("cleanup.policy", "compact");
      cfg.put("min.compaction.lag.ms", "60000");
    } else {
      cfg.put("retention.ms", Long.toString(eventRetentionMs));
    }
    // Requests carry whole unary inputs (image + audio) and llm.requests carry images.
    if (topic.equals(topics.requests())
        || topic.equals(topics.llmRequests())
        || topic.equals(topics.dlq())) {
      cfg.put("max.message.bytes", Long.toString(maxRecordBytes));
    } else {
      cfg.put("max.message.bytes", Long.toString(Math.min(maxRecordBytes, 8L << 20)));
    }
    return cfg;
  }

  /** Creates every shared topic that does not exist yet; returns the names it created. */
  public List<String> ensureAll(Admin admin) {
    return ensure(admin, topics.all(), topics.partitions());
  }

  /** Creates the reply topic of one gateway instance (a few partitions: one consumer reads it). */
  public void ensureReplyTopic(Admin admin, String gatewayId) {
    ensure(admin, List.of(topics.repliesFor(gatewayId)), 1);
  }

  /**
   * Waits until every partition of new topics is served by its leader. A leader in the metadata
   * (what describeTopics reports) is not enough: a broker publishes a new topic to its metadata
   * cache before its replica manager has created the partition, and a produce request in between
   * gets NOT_LEADER_OR_FOLLOWER. An idempotent or transactional producer with several requests in
   * flight can then have a later batch appended before its first one (a broker with no state for
   * the producer accepts any first sequence, KAFKA-15591, fixed in Kafka 4.5), and retries that
   * first batch with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout: its records are lost.
   * ListOffsets is answered by the partition's leader only once it hosts the partition, like a
   * produce request.
   */
  private static void awaitLeaders(Admin admin, List<String> created)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Map<TopicPartition, OffsetSpec> partitions = null;
    while (!created.isEmpty()) {
      if (partitions == null) {
        partitions = partitionsWithLeaders(admin, created);
      }
      if (partitions != null && servedByLeaders(admin, partitions)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("partitions of " + created + " have no leader after 30 s");
      }
      Thread.sleep(50);
    }
  }

  /** Every partition of the topics, or null while some has no leader or a topic is unknown. */
  private static Map<TopicPartition, OffsetSpec> partitionsWithLeaders(
      Admin admin, List<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
      for (var t : admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
        for (var p : t.partitions()) {
          if (p.leader() == null) {
            return null;
          }
          partitions.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest());
        }
      }
      return partitions;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null; // created, but not in this broker's metadata yet
      }
      throw e;
    }
  }

  /** True once the leader of every partition answers ListOffsets for it. */
  private static boolean servedByLeaders(Admin admin, Map<TopicPartition, OffsetSpec> partitions)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RetriableException) {
        return false; // NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, ...: not hosted yet
      }
      throw e;
    }
  }

  private List<String> ensure(Admin admin, List<String> names, int partitions) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String name : names) {
        if (!existing.contains(name)) {
          missing.add(
              new NewTopic(name, partitions, topics.replicationFactor())
                  .configs(settingsFor(name)));
        }
      }
      if (missing.isEmpty()) {
        return List.of();
      }
      List<String> created = new ArrayList<>();
      List<String> fresh = new ArrayList<>(); // created here or just now by another service
      var result = admin.createTopics(missing);
      for (var entry : result.values().entrySet()) {
        fresh.add(entry.getKey());
        try {
          entry.getValue().get(30, TimeUnit.SECONDS);
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      awaitLeaders(admin, fresh);
      log.info("created topics {}", created);
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topics " + names + ": " + e.getMessage(), e);
    }
  }
}
