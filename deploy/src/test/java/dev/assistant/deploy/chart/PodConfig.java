package dev.assistant.deploy.chart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assistant.common.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The configuration a service sees in a rendered pod, made the way the service makes it: the
 * ConfigMap file named by ASSISTANT_CONFIG (at the path the pod mounts it), overlaid with the
 * container's ASSISTANT_* variables, through {@link Config#load}. Variables from the pod's fields
 * and from Secrets are resolved with the values a cluster would give them.
 */
public final class PodConfig {
  private PodConfig() {}

  /**
   * @param podName what {@code metadata.name} resolves to
   * @param secrets secret name → key → value
   */
  public static Config of(
      RenderedChart chart,
      JsonNode workload,
      String podName,
      Map<String, Map<String, String>> secrets,
      Path scratch)
      throws IOException {
    JsonNode container = RenderedChart.container(workload);
    Map<String, String> env = new HashMap<>();
    for (JsonNode e : container.path("env")) {
      env.put(e.get("name").asText(), resolve(e, podName, secrets));
    }
    Optional<Path> file = Optional.empty();
    String configPath = env.get("ASSISTANT_CONFIG");
    if (configPath != null) {
      file = Optional.of(writeMountedFile(chart, workload, configPath, scratch));
    }
    return Config.load(file, env, new Properties());
  }

  private static String resolve(
      JsonNode env, String podName, Map<String, Map<String, String>> secrets) {
    if (env.has("value")) {
      return env.get("value").asText();
    }
    JsonNode field = env.at("/valueFrom/fieldRef/fieldPath");
    if (!field.isMissingNode()) {
      if (!field.asText().equals("metadata.name")) {
        throw new AssertionError("unexpected field reference " + field);
      }
      return podName;
    }
    JsonNode secret = env.at("/valueFrom/secretKeyRef");
    String name = secret.path("name").asText();
    String key = secret.path("key").asText();
    String value = secrets.getOrDefault(name, Map.of()).get(key);
    if (value == null) {
      throw new AssertionError(env.get("name") + " reads secret " + name + "/" + key);
    }
    return value;
  }

  /** Finds the ConfigMap volume mounted over {@code path} and writes the file it holds. */
  private static Path writeMountedFile(
      RenderedChart chart, JsonNode workload, String path, Path scratch) throws IOException {
    JsonNode container = RenderedChart.container(workload);
    for (JsonNode mount : container.path("volumeMounts")) {
      String dir = mount.get("mountPath").asText();
      if (!path.startsWith(dir + "/")) {
        continue;
      }
      String volumeName = mount.get("name").asText();
      for (JsonNode volume : workload.at("/spec/template/spec/volumes")) {
        if (volume.get("name").asText().equals(volumeName) && volume.has("configMap")) {
          JsonNode map = chart.get("ConfigMap", volume.at("/configMap/name").asText());
          String fileName = path.substring(dir.length() + 1);
          JsonNode content = map.at("/data/" + fileName);
          if (content.isMissingNode()) {
            throw new AssertionError("ConfigMap has no " + fileName);
          }
          Path out = Files.createTempFile(scratch, "assistant", ".properties");
          Files.writeString(out, content.asText());
          return out;
        }
      }
    }
    throw new AssertionError("nothing mounted at " + path);
  }
}
