package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alert rules are about metrics the services declare. (promtool checks the
 * rules' syntax and behaviour; LocalStackIT checks every name on the running services' /metrics.)
 */
class GrafanaDashboardTest {
  @Test
  void dashboardCoversWhatOperatorsWatch() throws Exception {
    JsonNode d = new ObjectMapper().readTree(MonitoredMetrics.DASHBOARD.toFile());
    assertEquals("assistant-pipeline", d.get("uid").asText());
    Set<Integer> ids = new HashSet<>();
    List<String> titles = new ArrayList<>();
    for (JsonNode p : d.get("panels")) {
      assertTrue(ids.add(p.get("id").asInt()), "panel ids are unique");
      assertTrue(p.at("/gridPos/w").asInt() > 0);
      titles.add(p.get("title").asText());
    }
    String all = String.join("\n", MonitoredMetrics.dashboardExpressions());
    // throughput, latency percentiles, lag, errors and DLQ, model time, batch occupancy
    for (String needed :
        List.of(
            "rate(assistant_stage_records_total",
            "histogram_quantile(0.99, sum by (le, stage) (rate(assistant_stage_processing_seconds",
            "histogram_quantile(0.99, sum by (le, stage) (rate(assistant_stage_queue_seconds",
            "assistant_stage_consumer_lag",
            "outcome=\"dead_lettered\"",
            "assistant_stt_model_seconds_bucket",
            "assistant_llm_decode_tokens_per_second_bucket",
            "assistant_tts_realtime_factor_bucket",
            "assistant_llm_batch_size")) {
      assertTrue(all.contains(needed), needed);
    }
    assertTrue(titles.contains("Batch occupancy"), titles.toString());
    for (String e : MonitoredMetrics.dashboardExpressions()) {
      assertEquals(count(e, '('), count(e, ')'), "balanced parentheses: " + e);
      assertEquals(count(e, '{'), count(e, '}'), "balanced braces: " + e);
    }
  }

  @Test
  void everyMetricNamedIsDeclaredByAService() throws Exception {
    String sources = serviceSources();
    Set<String> names = MonitoredMetrics.all();
    assertFalse(names.isEmpty());
    for (String name : names) {
      String declared = name.replaceFirst("_(bucket|sum|count)$", "");
      boolean found =
          sources.contains("\"" + declared + "\"")
              // JVM metrics come from the Prometheus client's JvmMetrics.
              || name.startsWith("jvm_");
      assertTrue(found, name + " is declared by no service");
    }
    for (String e : MonitoredMetrics.ruleExpressions()) {
      assertTrue(
          !MonitoredMetrics.names(List.of(e)).isEmpty() || e.contains("up{"),
          "rule expression names a metric: " + e);
    }
  }

  private static String serviceSources() throws Exception {
    StringBuilder all = new StringBuilder();
    for (String module : List.of("common", "gateway", "stt-worker", "llm-worker", "tts-worker")) {
      Path dir = MonitoredMetrics.ROOT.resolve(module).resolve("src/main/java");
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          all.append(Files.readString(f));
        }
      }
    }
    return all.toString();
  }

  private static long count(String s, char c) {
    return s.chars().filter(x -> x == c).count();
  }
}
