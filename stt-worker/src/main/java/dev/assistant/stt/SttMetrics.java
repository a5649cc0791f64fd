package dev.assistant.stt;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Speech-to-text metrics, in the default registry, in base units. The stage loop already exports
 * records, transactions and processing time per record; these add what only the recognizer knows.
 */
final class SttMetrics {
  private static SttMetrics instance;

  final Counter audioSeconds;
  final Histogram realtimeFactor;
  final Histogram modelSeconds;
  final Histogram queueSeconds;
  final Counter requests;

  private SttMetrics(PrometheusRegistry registry) {
    audioSeconds =
        Counter.builder()
            .name("assistant_stt_audio_seconds_total")
            .help("Seconds of audio transcribed")
            .register(registry);
    realtimeFactor =
        Histogram.builder()
            .name("assistant_stt_realtime_factor")
            .help(
                "Model time divided by audio duration, per request (below 1 is faster than real time)")
            .classicUpperBounds(0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5, 10)
            .register(registry);
    modelSeconds =
        Histogram.builder()
            .name("assistant_stt_model_seconds")
            .help("Time spent decoding audio and in the recognizer, per request")
            .classicExponentialUpperBounds(0.01, 2, 16)
            .register(registry);
    queueSeconds =
        Histogram.builder()
            .name("assistant_stt_queue_seconds")
            .help("Time a request's first audio chunk waited in Kafka")
            .classicExponentialUpperBounds(0.001, 2, 18)
            .register(registry);
    requests =
        Counter.builder()
            .name("assistant_stt_requests_total")
            .help("Transcriptions by outcome: ok, invalid, cancelled")
            .labelNames("outcome")
            .register(registry);
  }

  static synchronized SttMetrics get() {
    if (instance == null) {
      instance = new SttMetrics(PrometheusRegistry.defaultRegistry);
    }
    return instance;
  }
}
