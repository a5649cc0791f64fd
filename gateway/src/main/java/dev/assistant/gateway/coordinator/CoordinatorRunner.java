package dev.assistant.gateway.coordinator;

import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the coordinator topology with exactly-once v2. Every gateway instance runs one member of the
 * same application, so the coordinator's partitions spread over the gateways and move when one goes
 * away.
 */
public final class CoordinatorRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorRunner.class);
  private final KafkaStreams streams;

  public CoordinatorRunner(Config config, Topics topics, String instanceId) {
    Properties props = new Properties();
    props.putAll(
        CoordinatorStreamsSettings.of(
            config,
            new KafkaSettings(config),
            config.getString("coordinator.application.id", topics.prefix() + "coordinator")));
    String stateDir =
        config.getString(
            "coordinator.state.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "assistant-coordinator", instanceId)
                .toString());
    try {
      Files.createDirectories(Path.of(stateDir));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create " + stateDir, e);
    }
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.CLIENT_ID_CONFIG, instanceId + "-coordinator");
    // Static membership under the gateway's stable ID: a gateway restarted within the session
    // timeout takes its tasks back without a rebalance of every coordinator member.
    props.put(
        StreamsConfig.mainConsumerPrefix(
            org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
        instanceId + "-coordinator");
    this.streams =
        new KafkaStreams(
            CoordinatorTopology.build(topics, CoordinatorSettings.from(config)), props);
    streams.setUncaughtExceptionHandler(
        e -> {
          log.error("coordinator thread failed; replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
  }

  public CoordinatorRunner start() {
    streams.start();
    return this;
  }

  /**
   * Blocks until the coordinator is running or the timeout passes; true when running. Says every
   * few seconds what it is waiting for: joining the group can take up to the session timeout when a
   * member died, and restoring state after an unclean stop takes as long as its changelog.
   */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + timeout.toNanos();
    long nextReport = start + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < end) {
      if (streams.state() == KafkaStreams.State.RUNNING) {
        log.info("coordinator running after {} ms", (System.nanoTime() - start) / 1_000_000);
        return true;
      }
      if (System.nanoTime() > nextReport) {
        log.info(
            "waiting for the coordinator to join its group and restore its state ({}, {} s)",
            streams.state(),
            (System.nanoTime() - start) / 1_000_000_000);
        nextReport += TimeUnit.SECONDS.toNanos(3);
      }
      if (!streams.state().isRunningOrRebalancing()
          && streams.state() != KafkaStreams.State.CREATED) {
        return false;
      }
      Thread.sleep(50);
    }
    return false;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Leaves the group (its tasks move at once) after committing what it processed. */
  @Override
  public void close() {
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(20)));
  }
}
