package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrafanaDashboardTest {
  static final Path DASHBOARD =
      Path.of(System.getProperty("repo.root", ".."), "deploy", "grafana", "assistant.json");

  @Test
  void dashboardChartsEveryPipelineMetric() throws Exception {
    JsonNode d = new ObjectMapper().readTree(DASHBOARD.toFile());
    assertEquals("assistant-pipeline", d.get("uid").asText());
    List<String> exprs = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : d.get("panels")) {
      assertTrue(ids.add(p.get("id").asInt()), "panel ids are unique");
      assertTrue(p.at("/gridPos/w").asInt() > 0);
      for (JsonNode t : p.path("targets")) {
        exprs.add(t.get("expr").asText());
      }
    }
    String all = String.join("\n", exprs);
    for (String metric :
        List.of(
            "assistant_stage_records_total",
            "assistant_stage_processing_seconds_bucket",
            "assistant_stage_inflight",
            "assistant_stage_consumer_lag",
            "assistant_model_realtime_factor",
            "assistant_llm_tokens_per_second")) {
      assertTrue(all.contains(metric), metric);
    }
    for (String e : exprs) {
      assertEquals(count(e, '('), count(e, ')'), "balanced parentheses: " + e);
      assertEquals(count(e, '{'), count(e, '}'), "balanced braces: " + e);
    }
  }

  private static long count(String s, char c) {
    return s.chars().filter(x -> x == c).count();
  }
}
