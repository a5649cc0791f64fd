package dev.assistant.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL expressions of the Grafana dashboard and the alert rules, and the metric names they
 * use. Names are those the services export (prefixes {@code assistant_}, {@code jvm_}); {@code up}
 * is Prometheus' own.
 */
final class MonitoredMetrics {
  static final Path ROOT = Path.of(System.getProperty("repo.root", ".."));
  static final Path DASHBOARD = ROOT.resolve("deploy/grafana/assistant.json");
  static final Path RULES = ROOT.resolve("deploy/prometheus/alerts.yml");
  static final Pattern METRIC = Pattern.compile("\\b((?:assistant|jvm|process)_[a-z0-9_]+)\\b");

  private MonitoredMetrics() {}

  static List<String> dashboardExpressions() throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode p : new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels")) {
      p.path("targets").forEach(t -> out.add(t.get("expr").asText()));
    }
    return out;
  }

  static List<String> ruleExpressions() throws IOException {
    List<String> out = new ArrayList<>();
    JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
    for (JsonNode group : rules.get("groups")) {
      group.get("rules").forEach(r -> out.add(r.get("expr").asText()));
    }
    return out;
  }

  /** Metric names in the expressions, as they appear on /metrics (histograms with _bucket). */
  static Set<String> names(List<String> expressions) {
    Set<String> out = new TreeSet<>();
    for (String e : expressions) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  static Set<String> all() throws IOException {
    List<String> exprs = new ArrayList<>(dashboardExpressions());
    exprs.addAll(ruleExpressions());
    return names(exprs);
  }

  /** Sample names in a Prometheus text exposition. */
  static Set<String> exposed(String exposition) {
    Set<String> out = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      out.add(line.substring(0, end));
    }
    return out;
  }
}
