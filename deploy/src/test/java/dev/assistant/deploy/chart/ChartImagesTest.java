package dev.assistant.deploy.chart;

import static dev.assistant.deploy.chart.RenderedChart.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The chart runs the images the Jib profile builds, as they are: every container's image is one the
 * profile makes, no container overrides its entrypoint, the entrypoint starts a main class of the
 * module whose jar it runs, as the chart's non-root user, and the chart's ports are ones the image
 * declares. ImageIT checks the same against the built tarballs.
 */
class ChartImagesTest {
  static final Path ROOT = Path.of(System.getProperty("repo.root", ".."));

  @Test
  void everyContainerRunsAJibImageAsItIs() throws Exception {
    Map<String, JibImages.Image> images = JibImages.read();
    RenderedChart chart = RenderedChart.render(null, Map.of("topicsJob.hook", false));
    List<JsonNode> workloads = new ArrayList<>(chart.ofKind("Deployment"));
    workloads.addAll(chart.ofKind("Job"));
    Set<String> used = new HashSet<>();
    for (JsonNode w : workloads) {
      JsonNode c = container(w);
      String ref = c.get("image").asText();
      assertTrue(ref.startsWith("assistant/"), ref);
      String name = ref.substring("assistant/".length(), ref.lastIndexOf(':'));
      assertEquals("0.1.0-SNAPSHOT", ref.substring(ref.lastIndexOf(':') + 1), "image.tag");
      JibImages.Image image = images.get(name);
      assertTrue(image != null, ref + " is built by the images profile: " + images.keySet());
      assertEquals(name, image.name());
      used.add(name);
      assertFalse(c.has("command") || c.has("args"), ref + ": the image's entrypoint runs");
      assertEquals(
          "65532:65532", image.user(), "the image's user is the chart's runAsUser:runAsGroup");
      assertEquals(65532, w.at("/spec/template/spec/securityContext/runAsUser").asInt());
      assertEquals(65532, w.at("/spec/template/spec/securityContext/runAsGroup").asInt());
      for (JsonNode p : c.path("ports")) {
        assertTrue(
            image.ports().contains(p.get("containerPort").asInt()),
            ref + " declares port " + p.get("containerPort"));
      }
      assertMainClassOfItsModule(image);
    }
    assertEquals(images.keySet(), used, "every image built is used by the chart");
  }

  /** /opt/assistant/<module>-<version>-all.jar runs a main class of <module>. */
  static void assertMainClassOfItsModule(JibImages.Image image) {
    String jar = Path.of(image.jar()).getFileName().toString();
    String module = jar.substring(0, jar.indexOf("-0.1.0-SNAPSHOT-all.jar"));
    Path source =
        ROOT.resolve(module)
            .resolve("src/main/java")
            .resolve(image.mainClass().replace('.', '/') + ".java");
    assertTrue(Files.isRegularFile(source), image.name() + " runs " + source);
    assertEquals("/opt/java/bin/java", image.entrypoint().get(0));
  }
}
