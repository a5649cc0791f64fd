package dev.assistant.deploy.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;

/** The documents Helm renders from the chart, parsed, with lookups by kind and name. */
public final class RenderedChart {
  public static final Path CHART =
      Path.of(System.getProperty("repo.root", ".."), "deploy", "helm", "assistant");
  public static final String RELEASE = "assistant";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final List<JsonNode> documents;

  private RenderedChart(List<JsonNode> documents) {
    this.documents = documents;
  }

  /** Renders with the default values plus an optional values file and --set overrides. */
  public static RenderedChart render(Path valuesFile, Map<String, Object> set) throws IOException {
    return render(
        t -> {
          TemplateCommand c = valuesFile == null ? t : t.withValuesFile(valuesFile);
          set.forEach(c::set);
          return c;
        });
  }

  static RenderedChart render(UnaryOperator<TemplateCommand> options) throws IOException {
    String yaml =
        options.apply(new Helm(CHART).template().withName(RELEASE).withNamespace("ai")).call();
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && d.isObject() && !d.isEmpty()) {
          docs.add(d);
        }
      }
    }
    return new RenderedChart(docs);
  }

  public List<JsonNode> all() {
    return documents;
  }

  public List<JsonNode> ofKind(String kind) {
    return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  public JsonNode get(String kind, String name) {
    return ofKind(kind).stream()
        .filter(d -> name.equals(d.at("/metadata/name").asText()))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no " + kind + " " + name));
  }

  /** The resource name of a component: {@code assistant-assistant-llm}. */
  public static String name(String component) {
    return RELEASE + "-assistant-" + component;
  }

  /** The one container of a workload (Deployment or Job). */
  public static JsonNode container(JsonNode workload) {
    JsonNode containers = workload.at("/spec/template/spec/containers");
    if (containers.size() != 1) {
      throw new AssertionError("one container expected: " + workload.at("/metadata/name"));
    }
    return containers.get(0);
  }
}
