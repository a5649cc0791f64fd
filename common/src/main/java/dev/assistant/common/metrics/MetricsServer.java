package dev.assistant.common.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Prometheus endpoint of a service: {@code /metrics} and the liveness probe {@code /-/healthy} on
 * the given port (0 disables it). JVM metrics are registered once per process.
 */
public final class MetricsServer implements AutoCloseable {
  private static boolean jvmRegistered;
  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  public static MetricsServer start(int port) {
    synchronized (MetricsServer.class) {
      if (!jvmRegistered) {
        JvmMetrics.builder().register();
        jvmRegistered = true;
      }
    }
    if (port <= 0) {
      return new MetricsServer(null);
    }
    try {
      return new MetricsServer(HTTPServer.builder().hostname("0.0.0.0").port(port).buildAndStart());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open metrics port " + port, e);
    }
  }

  /** The bound port, or -1 when disabled. */
  public int port() {
    return server == null ? -1 : server.getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
