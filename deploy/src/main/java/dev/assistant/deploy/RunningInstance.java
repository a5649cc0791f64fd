package dev.assistant.deploy;

import java.net.URI;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A service instance as the launcher sees it now.
 *
 * @param instance what was planned: name, service, index, ports
 * @param pid the current process, or -1 between an exit and its restart
 * @param ready whether the current process has passed its readiness check
 * @param restarts how often the launcher has started it again (after crashes and on request)
 * @param logFile where its output goes (all incarnations append to it)
 */
public record RunningInstance(
    ServiceInstance instance, long pid, boolean ready, int restarts, Path logFile) {

  public String name() {
    return instance.name();
  }

  public StackService stage() {
    return instance.stage();
  }

  public int metricsPort() {
    return instance.metricsPort();
  }

  /** A gateway's gRPC port; empty for workers. */
  public OptionalInt grpcPort() {
    return instance.grpcPort();
  }

  public URI metricsUri() {
    return URI.create("http://127.0.0.1:" + instance.metricsPort() + "/metrics");
  }
}
