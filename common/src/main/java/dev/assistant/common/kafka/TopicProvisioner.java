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
   * Waits until every partition of new topics has a leader. A record produced before that gets
   * NOT_LEADER_OR_FOLLOWER; an idempotent producer retrying its first batch then can stall on
   * OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (seen on a loaded machine).
   */
  private static void awaitLeaders(Admin admin, List<String> created)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!created.isEmpty() && !haveLeaders(admin, created)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("partitions of " + created + " have no leader after 30 s");
      }
      Thread.sleep(50);
    }
  }

  private static boolean haveLeaders(Admin admin, List<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
          .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false; // created, but not in this broker's metadata yet
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
      var result = admin.createTopics(missing);
      for (var entry : result.values().entrySet()) {
        try {
          entry.getValue().get(30, TimeUnit.SECONDS);
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      awaitLeaders(admin, created);
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
