package dev.assistant.common.worker;

import com.google.protobuf.Message;
import dev.assistant.api.v1.Stage;
import dev.assistant.common.catalog.CatalogPublisher;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.TopicProvisioner;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.metrics.MetricsServer;
import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime half of every worker's {@code main}: topics, metrics endpoint, cancellation registry,
 * the transactional loop and a SIGTERM hook that finishes running requests.
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  /** Default metrics port of each stage, so that one machine can run them side by side. */
  static int defaultMetricsPort(Stage stage) {
    return switch (stage) {
      case STAGE_STT -> 9401;
      case STAGE_LLM -> 9402;
      case STAGE_TTS -> 9403;
      default -> 9409;
    };
  }

  /**
   * Runs a stage until the process is told to stop. Blocks; returns the exit status (0 after a
   * clean shutdown, 1 when the loop failed).
   */
  @SafeVarargs
  public static <I extends Message> int run(
      Stage stage,
      Function<Topics, String> inputTopic,
      Function<Topics, String> outputTopic,
      StageHandler<I> handler,
      Config config,
      AutoCloseable... resources) {
    String name = WorkerSettings.stageName(stage);
    Topics topics = Topics.from(config);
    KafkaSettings kafka = new KafkaSettings(config);
    if (config.getBoolean("topics.create", true)) {
      try (Admin admin = Admin.create(kafka.admin())) {
        new TopicProvisioner(topics, config).ensureAll(admin);
      }
    }
    WorkerSettings settings =
        WorkerSettings.from(
            config,
            stage,
            inputTopic.apply(topics),
            outputTopic.apply(topics),
            topics.dlq(),
            topics.control());
    MetricsServer metrics =
        MetricsServer.start(config.getInt(name + ".metrics.port", defaultMetricsPort(stage)));
    CancellationRegistry cancellations =
        new CancellationRegistry(kafka, topics.control(), Duration.ofHours(6)).start();
    StageWorker<I> worker =
        new StageWorker<>(settings, kafka, handler, cancellations::isCancelled).start();
    CatalogPublisher catalog;
    try {
      catalog =
          CatalogPublisher.publish(
              kafka,
              topics.catalog(),
              handler.catalog().setStage(stage).setInstanceId(settings.instanceId()).build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.close();
      closeAll(cancellations, metrics, resources);
      return 1;
    }
    Thread hook =
        new Thread(
            () -> {
              log.info("{} worker shutting down", name);
              closeQuietly(catalog); // withdrawn first: gateways stop counting on this instance
              worker.close();
              closeAll(cancellations, metrics, resources);
            },
            name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    while (worker.isRunning()) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (worker.failure() != null) {
      log.error("{} worker stopped because of an error", name, worker.failure());
      return 1;
    }
    return 0;
  }

  private static void closeAll(AutoCloseable first, AutoCloseable second, AutoCloseable... rest) {
    closeQuietly(first);
    closeQuietly(second);
    for (AutoCloseable c : rest) {
      closeQuietly(c);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception e) {
      log.warn("error while closing {}", c, e);
    }
  }
}
