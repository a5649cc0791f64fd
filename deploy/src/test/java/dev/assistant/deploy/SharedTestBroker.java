package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One real broker process for all integration test classes of a failsafe JVM: a broker start costs
 * seconds on a 2-core machine, so tests that only need "a broker" share this one (each with its own
 * topic prefix) and only tests about starting and stopping brokers start their own.
 */
final class SharedTestBroker {
  private static LocalBroker broker;

  private SharedTestBroker() {}

  static synchronized LocalBroker get() {
    if (broker == null || !broker.isAlive()) {
      try {
        Path dir = Files.createTempDirectory("shared-test-broker");
        Config c =
            Config.of(
                Map.of(
                    "broker.port", Integer.toString(FreePorts.next()),
                    "broker.controller.port", Integer.toString(FreePorts.next()),
                    "broker.classpath.file", System.getProperty("broker.classpath.file")));
        broker = LocalBroker.start(BrokerOptions.from(c, dir));
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      synchronized (SharedTestBroker.class) {
                        broker.close();
                      }
                      DefaultModels.deleteTree(dir);
                    }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return broker;
  }

  /** Stops the shared broker and starts it again on the same data directory and ports. */
  static synchronized LocalBroker restart() {
    BrokerOptions options = get().options();
    broker.close();
    broker = LocalBroker.start(options);
    return broker;
  }
}
