package dev.assistant.tts;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Speech-synthesis metrics in the default Prometheus registry, labelled by backend. Registered once
 * per process (several handlers in one JVM, as in tests, share them).
 */
public final class TtsMetrics {
  private static TtsMetrics instance;

  final Counter characters;
  final Counter sentences;
  final Counter audioSeconds;
  final Histogram realtimeFactor;
  final Histogram timeToFirstAudio;

  private TtsMetrics(PrometheusRegistry registry) {
    characters =
        Counter.builder()
            .name("assistant_tts_characters_total")
            .help("Characters of normalized text synthesized")
            .labelNames("backend")
            .register(registry);
    sentences =
        Counter.builder()
            .name("assistant_tts_sentences_total")
            .help("Sentences synthesized")
            .labelNames("backend")
            .register(registry);
    audioSeconds =
        Counter.builder()
            .name("assistant_tts_audio_seconds_total")
            .help("Seconds of audio produced")
            .labelNames("backend")
            .register(registry);
    realtimeFactor =
        Histogram.builder()
            .name("assistant_tts_realtime_factor")
            .help("Synthesis time divided by the duration of the audio, per sentence")
            .labelNames("backend")
            .classicUpperBounds(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2)
            .register(registry);
    timeToFirstAudio =
        Histogram.builder()
            .name("assistant_tts_time_to_first_audio_seconds")
            .help("From taking a sentence to emitting its first audio chunk")
            .labelNames("backend")
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
            .register(registry);
  }

  /** The process-wide instance in the default registry. */
  public static synchronized TtsMetrics get() {
    if (instance == null) {
      instance = new TtsMetrics(PrometheusRegistry.defaultRegistry);
    }
    return instance;
  }
}
