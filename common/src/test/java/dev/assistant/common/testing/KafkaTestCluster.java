package dev.assistant.common.testing;

import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.TopicProvisioner;
import dev.assistant.common.kafka.Topics;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

/**
 * A real single-node KRaft broker inside the test JVM, shared by every integration test of the JVM
 * (starting one takes seconds). Tests isolate themselves with a topic prefix: {@link #newConfig()}
 * hands out a fresh one each time.
 */
public final class KafkaTestCluster {
  private static KafkaClusterTestKit cluster;

  private KafkaTestCluster() {}

  /** Starts the shared broker on first use. */
  public static synchronized String bootstrapServers() {
    if (cluster == null) {
      try {
        KafkaClusterTestKit kit =
            new KafkaClusterTestKit.Builder(
                    new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "4")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // Transactions of a killed client are aborted within a second of their timeout
                // (the broker default looks every 10 s), as on the project's own broker.
                .setConfigProp(
                    "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
                .setConfigProp("message.max.bytes", Integer.toString(64 << 20))
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        Exit.setHaltProcedure(KafkaTestCluster::haltUnlessExiting);
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        cluster = kit;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        kit.close();
                      } catch (Exception e) {
                        // the JVM is exiting; nothing to report to
                      }
                    }));
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the test broker", e);
      }
    }
    return cluster.bootstrapServers();
  }

  /**
   * Kafka's halt, except while the JVM is already exiting. Then the test kit's own shutdown hook
   * may delete the broker's directories before ours has closed the broker; the broker finds its
   * only log directory gone and halts the JVM with status 1, which fails a run whose tests all
   * passed.
   */
  private static void haltUnlessExiting(int status, String message) {
    if (jvmExiting()) {
      System.err.println(
          "test broker asked to halt (status " + status + ") while the JVM exits; ignored");
      return;
    }
    Runtime.getRuntime().halt(status);
  }

  private static boolean jvmExiting() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  /**
   * A configuration pointing at the shared broker with a fresh topic prefix and small partition
   * count, its topics already created.
   */
  public static Config newConfig(Map<String, String> extra) {
    String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
    Config config =
        Config.of(
                Map.of(
                    "kafka.bootstrap.servers",
                    bootstrapServers(),
                    "topics.prefix",
                    prefix,
                    "topics.partitions",
                    "3",
                    // A gateway's web playground on a free port: tests run several gateways.
                    "gateway.web.port",
                    "0"))
            .withAll(extra);
    try (Admin admin = Admin.create(new KafkaSettings(config).admin())) {
      new TopicProvisioner(Topics.from(config), config).ensureAll(admin);
    }
    return config;
  }

  public static Config newConfig() {
    return newConfig(Map.of());
  }
}
