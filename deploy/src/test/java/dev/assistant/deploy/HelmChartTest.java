package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart without Helm (not installed here): values and Chart.yaml parse, every template is
 * YAML once its template actions are blanked out, every document has apiVersion and kind, and every
 * {@code .Values.x.y} a template reads exists in values.yaml.
 */
class HelmChartTest {
  static final Path CHART =
      Path.of(System.getProperty("repo.root", ".."), "deploy", "helm", "assistant");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Pattern ACTION = Pattern.compile("\\{\\{.*?}}");
  static final Pattern VALUES_REF = Pattern.compile("\\$?\\.Values((?:\\.[A-Za-z0-9_]+)+)");

  static JsonNode values() throws Exception {
    return YAML.readTree(CHART.resolve("values.yaml").toFile());
  }

  static List<Path> templates() throws Exception {
    try (Stream<Path> s = Files.list(CHART.resolve("templates"))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** A line that is only a template action disappears; inline actions become a scalar. */
  static String blankActions(String template) {
    StringBuilder out = new StringBuilder();
    for (String line : template.split("\n", -1)) {
      String t = line.trim();
      if (t.startsWith("{{") && t.endsWith("}}") && ACTION.matcher(t).replaceAll("").isBlank()) {
        continue;
      }
      out.append(ACTION.matcher(line).replaceAll("x")).append('\n');
    }
    return out.toString();
  }

  @Test
  void chartMetadataAndValuesParse() throws Exception {
    JsonNode chart = YAML.readTree(CHART.resolve("Chart.yaml").toFile());
    assertEquals("v2", chart.get("apiVersion").asText());
    assertEquals("assistant", chart.get("name").asText());
    JsonNode v = values();
    for (String w : List.of("stt", "llm", "tts")) {
      assertTrue(v.at("/workers/" + w + "/inputTopic").isTextual(), w);
      assertTrue(v.at("/workers/" + w + "/autoscaling/maxReplicas").isInt(), w);
    }
    assertEquals("keda", v.at("/autoscaling/mode").asText());
  }

  @Test
  void everyTemplateIsYamlWithKindAndApiVersion() throws Exception {
    Set<String> kinds = new HashSet<>();
    for (Path t : templates()) {
      String yaml = blankActions(Files.readString(t));
      List<JsonNode> docs = new ArrayList<>();
      try (var it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
        while (it.hasNext()) {
          JsonNode d = (JsonNode) it.next();
          if (d != null && !d.isNull() && !d.isMissingNode()) {
            docs.add(d);
          }
        }
      }
      assertFalse(docs.isEmpty(), t + " renders nothing");
      for (JsonNode d : docs) {
        assertTrue(d.hasNonNull("apiVersion") && d.hasNonNull("kind"), t + ": " + d);
        assertTrue(d.at("/metadata/name").isTextual(), t + " has a name");
        kinds.add(d.get("kind").asText());
      }
    }
    assertTrue(
        kinds.containsAll(
            List.of(
                "Deployment",
                "Service",
                "ConfigMap",
                "PodDisruptionBudget",
                "ScaledObject",
                "HorizontalPodAutoscaler",
                "ServiceMonitor",
                "Job")),
        kinds.toString());
  }

  @Test
  void everyValueATemplateReadsIsDefined() throws Exception {
    JsonNode v = values();
    List<Path> files = new ArrayList<>(templates());
    files.add(CHART.resolve("templates/_helpers.tpl"));
    for (Path t : files) {
      Matcher m = VALUES_REF.matcher(Files.readString(t));
      while (m.find()) {
        String pointer = m.group(1).replace('.', '/');
        assertFalse(v.at(pointer).isMissingNode(), t.getFileName() + " reads .Values" + m.group(1));
      }
    }
  }

  @Test
  void workersScaleOnTheirInputTopicsWithTheirConsumerGroups() throws Exception {
    String autoscaling = Files.readString(CHART.resolve("templates/autoscaling.yaml"));
    assertTrue(autoscaling.contains("type: kafka"));
    assertTrue(autoscaling.contains("assistant.consumerGroup"));
    String helpers = Files.readString(CHART.resolve("templates/_helpers.tpl"));
    // Must match WorkerSettings' default group id: topics.prefix + <stage> + "-worker".
    assertTrue(helpers.contains("printf \"%s%s-worker\" $prefix .stage"));
    JsonNode v = values();
    assertEquals("audio.chunks", v.at("/workers/stt/inputTopic").asText());
    assertEquals("llm.requests", v.at("/workers/llm/inputTopic").asText());
    assertEquals("tts.requests", v.at("/workers/tts/inputTopic").asText());
  }
}
