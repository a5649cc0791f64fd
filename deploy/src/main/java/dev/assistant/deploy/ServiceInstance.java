package dev.assistant.deploy;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One process of a service, as the launcher plans it: {@code stt-1}, {@code stt-2}, {@code
 * gateway-1}. The name is also its log, config and PID file name and, for a worker, its {@code
 * worker.instance.id}; it stays the same across restarts, so that a restarted worker's
 * transactional ID fences the incarnation that died.
 *
 * @param name {@code <service>-<index>}
 * @param stage which service
 * @param index 1-based number within the service
 * @param metricsPort its Prometheus port: the service's port + {@value #METRICS_PORT_STRIDE} ×
 *     (index - 1), so that instances of the four services (default ports 9400–9403) never collide
 * @param grpcPort a gateway's gRPC port (the configured port + index - 1); empty for workers
 */
public record ServiceInstance(
    String name, StackService stage, int index, int metricsPort, OptionalInt grpcPort) {

  /** Ten apart: instance k of every service stays in its own column (9401, 9411, 9421...). */
  public static final int METRICS_PORT_STRIDE = 10;

  private static final Pattern NAME = Pattern.compile("(.+)-(\\d+)");

  static ServiceInstance of(StackService stage, int index, int baseMetricsPort, int baseGrpcPort) {
    return new ServiceInstance(
        name(stage, index),
        stage,
        index,
        baseMetricsPort + METRICS_PORT_STRIDE * (index - 1),
        stage == StackService.GATEWAY
            ? OptionalInt.of(baseGrpcPort + index - 1)
            : OptionalInt.empty());
  }

  static String name(StackService stage, int index) {
    return stage.id() + "-" + index;
  }

  /**
   * The service an instance name belongs to: {@code llm-2} → LLM. A bare service name ({@code llm},
   * as PID files of launchers before scaling were named) counts too.
   */
  static Optional<StackService> stageOf(String name) {
    Matcher m = NAME.matcher(name);
    try {
      return Optional.of(StackService.byName(m.matches() ? m.group(1) : name));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The index in a name such as {@code llm-2}; 1 for a bare service name. */
  static int indexOf(String name) {
    Matcher m = NAME.matcher(name);
    return m.matches() ? Integer.parseInt(m.group(2)) : 1;
  }

  public boolean isGateway() {
    return stage == StackService.GATEWAY;
  }
}
