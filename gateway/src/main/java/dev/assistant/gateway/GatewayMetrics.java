package dev.assistant.gateway;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Gateway and coordinator metrics (default registry; labels bounded, never a request ID). */
public final class GatewayMetrics {
  private static GatewayMetrics instance;

  /** Calls by RPC and final gRPC status code. */
  public final Counter calls;

  /** Events delivered to clients. */
  public final Counter eventsDelivered;

  /** Gaps in a call's event sequence that stayed open and were re-read from the coordinator. */
  public final Counter eventGapsRepaired;

  /** Open streaming calls. */
  public final Gauge inflight;

  /** Records the coordinator processed, by input kind and outcome (routed, replay_dropped). */
  public final Counter coordinatorRecords;

  /** Requests the coordinator finished, by status. */
  public final Counter requestsFinished;

  private GatewayMetrics(PrometheusRegistry r) {
    calls =
        Counter.builder()
            .name("assistant_gateway_calls_total")
            .help("gRPC calls by method and status code")
            .labelNames("method", "code")
            .register(r);
    eventsDelivered =
        Counter.builder()
            .name("assistant_gateway_events_total")
            .help("Events sent to clients")
            .register(r);
    eventGapsRepaired =
        Counter.builder()
            .name("assistant_gateway_event_gaps_repaired_total")
            .help("Event sequence gaps re-read from the coordinator")
            .register(r);
    inflight =
        Gauge.builder().name("assistant_gateway_inflight").help("Open streaming calls").register(r);
    coordinatorRecords =
        Counter.builder()
            .name("assistant_coordinator_records_total")
            .help("Records processed by the coordinator by input and outcome")
            .labelNames("input", "outcome")
            .register(r);
    requestsFinished =
        Counter.builder()
            .name("assistant_coordinator_requests_total")
            .help("Requests finished by the coordinator, by status code")
            .labelNames("code")
            .register(r);
  }

  public static synchronized GatewayMetrics get() {
    if (instance == null) {
      instance = new GatewayMetrics(PrometheusRegistry.defaultRegistry);
    }
    return instance;
  }
}
