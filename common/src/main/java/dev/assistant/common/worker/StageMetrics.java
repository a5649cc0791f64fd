package dev.assistant.common.worker;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The metrics every stage exports. Registered once per process in the default registry; labels are
 * bounded (stage, outcome), never a request ID.
 */
public final class StageMetrics {
  private static StageMetrics instance;

  public final Counter records;
  public final Counter outputs;
  public final Counter transactions;
  public final Histogram processingSeconds;
  public final Histogram queueSeconds;
  public final Gauge inflight;
  public final Gauge consumerLag;

  private StageMetrics(PrometheusRegistry registry) {
    records =
        Counter.builder()
            .name("assistant_stage_records_total")
            .help(
                "Input records by outcome: ok, retried, dead_lettered, cancelled, expired, skipped")
            .labelNames("stage", "outcome")
            .register(registry);
    outputs =
        Counter.builder()
            .name("assistant_stage_outputs_total")
            .help("Output records produced")
            .labelNames("stage")
            .register(registry);
    transactions =
        Counter.builder()
            .name("assistant_stage_transactions_total")
            .help("Kafka transactions by outcome: committed, aborted")
            .labelNames("stage", "outcome")
            .register(registry);
    processingSeconds =
        Histogram.builder()
            .name("assistant_stage_processing_seconds")
            .help("Time a handler spent on one input record")
            .labelNames("stage")
            .classicExponentialUpperBounds(0.001, 2, 18)
            .register(registry);
    queueSeconds =
        Histogram.builder()
            .name("assistant_stage_queue_seconds")
            .help("Time from a record's production to its handling")
            .labelNames("stage")
            .classicExponentialUpperBounds(0.001, 2, 18)
            .register(registry);
    inflight =
        Gauge.builder()
            .name("assistant_stage_inflight")
            .help("Input records taken but not finished")
            .labelNames("stage")
            .register(registry);
    consumerLag =
        Gauge.builder()
            .name("assistant_stage_consumer_lag")
            .help("Records behind the end of the input topic, summed over owned partitions")
            .labelNames("stage")
            .register(registry);
  }

  /** The process-wide instance. */
  public static synchronized StageMetrics get() {
    if (instance == null) {
      instance = new StageMetrics(PrometheusRegistry.defaultRegistry);
    }
    return instance;
  }
}
