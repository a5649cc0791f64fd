package dev.assistant.common.worker;

import dev.assistant.api.v1.Stage;
import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * How one stage's worker runs.
 *
 * @param stage the stage
 * @param inputTopic topic consumed
 * @param outputTopic topic the stage's outputs go to
 * @param dlqTopic dead-letter topic
 * @param controlTopic compacted cancellation topic
 * @param groupId consumer group (one per stage)
 * @param instanceId unique per process; the transactional ID derives from it
 * @param concurrency requests handled at once
 * @param maxQueued handler tasks waiting or running before the consumer pauses fetching
 * @param flushInterval longest time an output waits before its transaction commits
 * @param maxRecordsPerTransaction outputs after which a transaction commits early
 * @param maxAttempts attempts per record before it is dead-lettered
 * @param retryBackoff first backoff between attempts (doubles each time)
 * @param shutdownGrace how long close() waits for running requests
 */
public record WorkerSettings(
    Stage stage,
    String inputTopic,
    String outputTopic,
    String dlqTopic,
    String controlTopic,
    String groupId,
    String instanceId,
    int concurrency,
    int maxQueued,
    Duration flushInterval,
    int maxRecordsPerTransaction,
    int maxAttempts,
    Duration retryBackoff,
    Duration shutdownGrace) {

  public WorkerSettings {
    if (concurrency < 1) {
      throw new ConfigException("worker.concurrency must be at least 1");
    }
    if (maxQueued < concurrency) {
      throw new ConfigException("worker.max.queued must be at least worker.concurrency");
    }
    if (maxAttempts < 1) {
      throw new ConfigException("worker.max.attempts must be at least 1");
    }
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new ConfigException("worker.flush.interval must be positive");
    }
  }

  /** Short lower-case stage name used in group IDs, metrics labels and logs. */
  public static String stageName(Stage stage) {
    return stage.name().substring("STAGE_".length()).toLowerCase(Locale.ROOT);
  }

  /**
   * Settings from configuration. Keys: {@code worker.concurrency}, {@code worker.max.queued},
   * {@code worker.flush.interval}, {@code worker.max.records.per.transaction}, {@code
   * worker.max.attempts}, {@code worker.retry.backoff}, {@code worker.shutdown.grace}, {@code
   * worker.instance.id}, {@code worker.group.id}; each may be prefixed with the stage name to apply
   * to one stage only ({@code stt.worker.concurrency}).
   */
  public static WorkerSettings from(
      Config config,
      Stage stage,
      String inputTopic,
      String outputTopic,
      String dlqTopic,
      String controlTopic) {
    String name = stageName(stage);
    Config c = config.withAll(config.withPrefix(name + "."));
    int concurrency = c.getInt("worker.concurrency", 1, 1, 4096);
    String pid = Long.toString(ManagementFactory.getRuntimeMXBean().getPid());
    return new WorkerSettings(
        stage,
        inputTopic,
        outputTopic,
        dlqTopic,
        controlTopic,
        c.getString("worker.group.id", c.getString("topics.prefix", "") + name + "-worker"),
        c.getString(
            "worker.instance.id",
            name + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8)),
        concurrency,
        c.getInt("worker.max.queued", Math.max(2 * concurrency, 4), concurrency, 1_000_000),
        c.getDuration("worker.flush.interval", Duration.ofMillis(20)),
        c.getInt("worker.max.records.per.transaction", 500, 1, 1_000_000),
        c.getInt("worker.max.attempts", 3, 1, 100),
        c.getDuration("worker.retry.backoff", Duration.ofMillis(200)),
        c.getDuration("worker.shutdown.grace", Duration.ofSeconds(20)));
  }
}
