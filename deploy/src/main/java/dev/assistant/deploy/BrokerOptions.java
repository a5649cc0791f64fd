package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How to run the local single-node KRaft broker.
 *
 * @param host address both listeners bind to and advertise (loopback by default: the broker has no
 *     authentication)
 * @param port client listener port ({@code PLAINTEXT})
 * @param controllerPort KRaft controller listener port; fixed for the life of a data directory,
 *     because formatting records it in the voter set
 * @param dataDir broker home: {@code server.properties}, the logging config and the log directory
 * @param logFile where the broker's stdout and stderr go
 * @param classpath the broker JVM's classpath ({@code kafka_2.13} runtime jars + an SLF4J binding)
 * @param maxRecordBytes the largest record the pipeline sends; raises {@code message.max.bytes}
 * @param heap {@code -Xmx} of the broker JVM, e.g. {@code 512m}
 * @param startTimeout how long to wait for the broker to answer an admin request
 * @param stopTimeout how long a SIGTERM may take before the broker is killed
 */
public record BrokerOptions(
    String host,
    int port,
    int controllerPort,
    Path dataDir,
    Path logFile,
    List<Path> classpath,
    long maxRecordBytes,
    String heap,
    Duration startTimeout,
    Duration stopTimeout) {

  /** Default client port, as every Kafka quickstart uses. */
  public static final int DEFAULT_PORT = 9092;

  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

  public BrokerOptions {
    if (host == null || host.isBlank()) {
      throw new ConfigException("broker.host must not be empty");
    }
    checkPort("broker.port", port);
    checkPort("broker.controller.port", controllerPort);
    if (port == controllerPort) {
      throw new ConfigException(
          "broker.port and broker.controller.port must differ (both " + port + ")");
    }
    if (dataDir == null || logFile == null) {
      throw new ConfigException("broker.data.dir and broker.log.file must be set");
    }
    classpath = List.copyOf(classpath);
    if (classpath.isEmpty()) {
      throw new ConfigException("the broker classpath is empty");
    }
    // message.max.bytes is an int on the broker side; leave room for batch overhead.
    if (maxRecordBytes < 1024 || maxRecordBytes > Integer.MAX_VALUE - (1 << 20)) {
      throw new ConfigException(
          "topics.max.message.bytes=" + maxRecordBytes + " is out of range [1024, ~2 GiB)");
    }
    if (heap == null || !HEAP.matcher(heap).matches()) {
      throw new ConfigException("broker.heap='" + heap + "' is not a JVM size such as 512m");
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new ConfigException("broker.start.timeout must be positive");
    }
    if (stopTimeout.isNegative() || stopTimeout.isZero()) {
      throw new ConfigException("broker.stop.timeout must be positive");
    }
  }

  private static void checkPort(String key, int port) {
    if (port < 1 || port > 65535) {
      throw new ConfigException(key + "=" + port + " is not a TCP port");
    }
  }

  /**
   * Options from configuration. Keys: {@code broker.host}, {@code broker.port}, {@code
   * broker.controller.port} (default port + 1), {@code broker.data.dir}, {@code broker.log.file},
   * {@code broker.classpath.file}, {@code broker.heap}, {@code broker.start.timeout}, {@code
   * broker.stop.timeout}, and the shared {@code topics.max.message.bytes}.
   */
  public static BrokerOptions from(Config config, Path defaultDataDir) {
    int port = config.getInt("broker.port", DEFAULT_PORT, 1, 65535);
    Path dataDir = config.getPath("broker.data.dir").orElse(defaultDataDir).toAbsolutePath();
    Path classpathFile =
        config.getPath("broker.classpath.file").orElse(BrokerClasspath.DEFAULT_FILE);
    return new BrokerOptions(
        config.getString("broker.host", "127.0.0.1"),
        port,
        config.getInt("broker.controller.port", port + 1, 1, 65535),
        dataDir,
        config.getPath("broker.log.file").orElse(dataDir.resolve("broker.log")).toAbsolutePath(),
        BrokerClasspath.read(classpathFile),
        config.getBytes("topics.max.message.bytes", 64L << 20),
        config.getString("broker.heap", "512m"),
        config.getDuration("broker.start.timeout", Duration.ofSeconds(90)),
        config.getDuration("broker.stop.timeout", Duration.ofSeconds(30)));
  }

  /** {@code host:port} for clients. */
  public String bootstrapServers() {
    return host + ":" + port;
  }

  /** A copy that writes its log elsewhere. */
  public BrokerOptions withLogFile(Path file) {
    return new BrokerOptions(
        host,
        port,
        controllerPort,
        dataDir,
        file,
        classpath,
        maxRecordBytes,
        heap,
        startTimeout,
        stopTimeout);
  }
}
