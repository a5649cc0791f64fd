package dev.assistant.deploy.chart;

import static dev.assistant.deploy.chart.RenderedChart.container;
import static dev.assistant.deploy.chart.RenderedChart.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.assistant.api.v1.Stage;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.worker.WorkerSettings;
import dev.assistant.gateway.grpc.GatewaySettings;
import dev.assistant.llm.LlmSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart through Helm itself (helm-java bundles Helm's Go library): lint, then render the
 * default values and a GPU + KEDA + Kafka SASL_SSL values file, and check the rendered objects
 * against what the services really do. The configuration a pod would see is loaded through the
 * services' own settings classes.
 */
class HelmChartTest {
  static final Path PRODUCTION =
      Path.of(
          System.getProperty("repo.root", ".."),
          "deploy/src/test/resources/helm/gpu-keda-kafka-tls-sasl.yaml");
  static final Map<String, Map<String, String>> SECRETS =
      Map.of(
          "kafka-assistant-user",
          Map.of("sasl.jaas.config", "ScramLoginModule required username=\"a\" password=\"b\";"),
          "kafka-cluster-ca",
          Map.of("ca.password", "store-secret"));

  /** Worker → (stage, input topic of the stage as the services name it). */
  static final Map<String, Stage> STAGES =
      Map.of("stt", Stage.STAGE_STT, "llm", Stage.STAGE_LLM, "tts", Stage.STAGE_TTS);

  static final Map<String, Function<Topics, String>> INPUT_TOPICS =
      Map.of("stt", Topics::audioChunks, "llm", Topics::llmRequests, "tts", Topics::ttsRequests);

  static RenderedChart defaults;
  static RenderedChart production;

  @TempDir static Path scratch;

  @BeforeAll
  static void render() throws Exception {
    // helm-java's template leaves hooks out of its output: the topic Job is rendered as a plain
    // Job (topicsJob.hook=false) to be checked with the rest.
    defaults = RenderedChart.render(null, Map.of("topicsJob.hook", false));
    production = RenderedChart.render(PRODUCTION, Map.of("topicsJob.hook", false));
  }

  @Test
  void theTopicJobIsAPreInstallHook() throws Exception {
    assertTrue(RenderedChart.render(null, Map.of()).ofKind("Job").isEmpty(), "hooks apart");
    String template = Files.readString(RenderedChart.CHART.resolve("templates/topics-job.yaml"));
    assertTrue(template.contains("helm.sh/hook: pre-install,pre-upgrade"));
  }

  @Test
  void lintIsClean() {
    LintResult plain = new Helm(RenderedChart.CHART).lint().strict().call();
    assertFalse(plain.isFailed(), plain.getMessages().toString());
    for (String m : plain.getMessages()) {
      assertFalse(m.contains("[WARNING]") || m.contains("[ERROR]"), m);
    }
  }

  @Test
  void defaultValuesRenderEveryPart() {
    Set<String> kinds = new HashSet<>();
    defaults.all().forEach(d -> kinds.add(d.get("kind").asText()));
    assertEquals(
        Set.of(
            "ConfigMap",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "ScaledObject",
            "ServiceMonitor",
            "Job"),
        kinds);
    assertEquals(4, defaults.ofKind("Deployment").size());
    assertEquals(3, defaults.ofKind("ScaledObject").size());
  }

  @Test
  void everyWorkloadRunsNonRootOnAReadOnlyRootFileSystem() {
    for (RenderedChart chart : List.of(defaults, production)) {
      List<JsonNode> workloads = new java.util.ArrayList<>(chart.ofKind("Deployment"));
      workloads.addAll(chart.ofKind("Job"));
      assertEquals(5, workloads.size());
      for (JsonNode w : workloads) {
        String n = w.at("/metadata/name").asText();
        JsonNode pod = w.at("/spec/template/spec/securityContext");
        assertTrue(pod.path("runAsNonRoot").asBoolean(), n);
        assertTrue(pod.path("runAsUser").asInt() > 0, n);
        JsonNode c = container(w).path("securityContext");
        assertTrue(c.path("readOnlyRootFilesystem").asBoolean(), n);
        assertFalse(c.path("allowPrivilegeEscalation").asBoolean(true), n);
        assertEquals("ALL", c.at("/capabilities/drop/0").asText(), n);
        // What the JVM, the coordinator's state store and native libraries write goes to /tmp.
        assertTrue(mountPaths(container(w)).contains("/tmp"), n + " has a writable /tmp");
      }
    }
  }

  @Test
  void everyDeploymentHasADisruptionBudgetOverItsPods() {
    for (JsonNode d : production.ofKind("Deployment")) {
      JsonNode podLabels = d.at("/spec/template/metadata/labels");
      List<JsonNode> budgets =
          production.ofKind("PodDisruptionBudget").stream()
              .filter(p -> selects(p.at("/spec/selector/matchLabels"), podLabels))
              .toList();
      assertEquals(1, budgets.size(), d.at("/metadata/name") + " has one budget");
      JsonNode spec = budgets.get(0).get("spec");
      assertTrue(spec.has("minAvailable") || spec.has("maxUnavailable"));
    }
  }

  @Test
  void probesUseTheEndpointsTheServicesServe(@TempDir Path dir) throws Exception {
    for (JsonNode d : production.ofKind("Deployment")) {
      String component = d.at("/metadata/labels/app.kubernetes.io~1component").asText();
      JsonNode c = container(d);
      Config config = PodConfig.of(production, d, "pod-0", SECRETS, dir);
      String service = component.replace("-worker", "");
      // MetricsServer serves /metrics and /-/healthy on <service>.metrics.port.
      int metricsPort = config.getInt(service + ".metrics.port", -1);
      assertEquals(metricsPort, containerPort(c, "metrics"), component);
      for (String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
        JsonNode p = c.path(probe);
        if (p.has("httpGet")) {
          assertEquals("/-/healthy", p.at("/httpGet/path").asText(), component + " " + probe);
          assertEquals("metrics", p.at("/httpGet/port").asText(), component + " " + probe);
        } else if (p.has("grpc")) {
          // The gateway's gRPC health service on gateway.port.
          assertEquals("gateway", component);
          assertEquals(config.getInt("gateway.port", 50051), p.at("/grpc/port").asInt());
          assertEquals(p.at("/grpc/port").asInt(), containerPort(c, "grpc"));
        }
      }
      assertTrue(c.path("livenessProbe").has("httpGet"), component + " has a liveness probe");
      assertFalse(c.path("readinessProbe").isMissingNode(), component + " has readiness");
    }
    // The ServiceMonitor scrapes the port named metrics at the path MetricsServer serves.
    JsonNode endpoint = defaults.ofKind("ServiceMonitor").get(0).at("/spec/endpoints/0");
    assertEquals("metrics", endpoint.get("port").asText());
    assertEquals("/metrics", endpoint.get("path").asText());
    // ... and names the jobs as prometheus.yml does, which the alert rules select on.
    String jobLabel = defaults.ofKind("ServiceMonitor").get(0).at("/spec/jobLabel").asText();
    Set<String> jobs = new HashSet<>();
    for (JsonNode s : defaults.ofKind("Service")) {
      jobs.add(s.at("/metadata/labels").path(jobLabel).asText());
    }
    JsonNode scrape =
        RenderedChart.YAML.readTree(
            Path.of(System.getProperty("repo.root", ".."), "deploy/prometheus/prometheus.yml")
                .toFile());
    Set<String> scraped = new HashSet<>();
    scrape.get("scrape_configs").forEach(j -> scraped.add(j.get("job_name").asText()));
    assertEquals(scraped, jobs);
  }

  @Test
  void kedaScalesEachWorkerOnItsOwnGroupAndTopicWithinThePartitions(@TempDir Path dir)
      throws Exception {
    for (RenderedChart chart : List.of(defaults, production)) {
      for (String worker : STAGES.keySet()) {
        JsonNode deployment = chart.get("Deployment", name(worker));
        Config config = PodConfig.of(chart, deployment, "pod-0", SECRETS, dir);
        Topics topics = Topics.from(config);
        WorkerSettings settings = workerSettings(config, worker);
        JsonNode scaled = chart.get("ScaledObject", name(worker));
        assertEquals(name(worker), scaled.at("/spec/scaleTargetRef/name").asText());
        JsonNode trigger = scaled.at("/spec/triggers/0");
        assertEquals("kafka", trigger.get("type").asText());
        JsonNode meta = trigger.get("metadata");
        assertEquals(settings.groupId(), meta.get("consumerGroup").asText(), worker);
        assertEquals(settings.inputTopic(), meta.get("topic").asText(), worker);
        assertEquals(
            new KafkaSettings(config).bootstrapServers(), meta.get("bootstrapServers").asText());
        int max = scaled.at("/spec/maxReplicaCount").asInt();
        assertTrue(
            max >= 1 && max <= topics.partitions(),
            worker + ": maxReplicaCount " + max + " within " + topics.partitions() + " partitions");
        assertTrue(deployment.at("/spec/replicas").isMissingNode(), "KEDA owns the replicas");
      }
    }
    // Values the services would resolve differently from the defaults reach KEDA too.
    JsonNode stt = production.get("ScaledObject", name("stt")).at("/spec/triggers/0");
    assertEquals("prod.speech", stt.at("/metadata/consumerGroup").asText());
    assertEquals("prod.audio.chunks", stt.at("/metadata/topic").asText());
    assertEquals("kafka-sasl-ssl", stt.at("/authenticationRef/name").asText());
    assertEquals(
        "prod.llm-worker",
        production
            .get("ScaledObject", name("llm"))
            .at("/spec/triggers/0/metadata/consumerGroup")
            .asText());
    assertEquals(
        24, production.get("ScaledObject", name("llm")).at("/spec/maxReplicaCount").asInt());
  }

  @Test
  void otherScalingModesRender() throws Exception {
    RenderedChart hpa = RenderedChart.render(null, Map.of("autoscaling.mode", "hpa"));
    assertTrue(hpa.ofKind("ScaledObject").isEmpty());
    for (String worker : STAGES.keySet()) {
      JsonNode metric =
          hpa.get("HorizontalPodAutoscaler", name(worker)).at("/spec/metrics/0/external/metric");
      // The gauge every worker exports (StageMetrics), per stage.
      assertEquals("assistant_stage_consumer_lag", metric.get("name").asText());
      assertEquals(worker, metric.at("/selector/matchLabels/stage").asText());
    }
    RenderedChart fixed =
        RenderedChart.render(null, Map.of("autoscaling.mode", "none", "workers.llm.replicas", 3));
    assertTrue(
        fixed.ofKind("ScaledObject").isEmpty()
            && fixed.ofKind("HorizontalPodAutoscaler").isEmpty());
    assertEquals(3, fixed.get("Deployment", name("llm")).at("/spec/replicas").asInt());
  }

  @Test
  void moreReplicasThanPartitionsIsRefused() {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                RenderedChart.render(
                    PRODUCTION, Map.of("workers.llm.autoscaling.maxReplicas", 25)));
    assertTrue(e.getMessage().contains("exceeds topics.partitions=24"), e.getMessage());
  }

  @Test
  void gpuStagesRequestGpusOnGpuNodes() {
    for (String worker : List.of("stt", "llm")) {
      JsonNode spec = production.get("Deployment", name(worker)).at("/spec/template/spec");
      JsonNode resources = container(production.get("Deployment", name(worker))).get("resources");
      assertEquals("1", resources.at("/limits/nvidia.com~1gpu").asText(), worker);
      assertEquals("1", resources.at("/requests/nvidia.com~1gpu").asText(), worker);
      assertTrue(spec.path("nodeSelector").size() > 0, worker + " has a node selector");
      boolean tolerates = false;
      for (JsonNode t : spec.path("tolerations")) {
        tolerates |=
            t.path("key").asText().equals("nvidia.com/gpu")
                && t.path("effect").asText().equals("NoSchedule");
      }
      assertTrue(tolerates, worker + " tolerates the GPU nodes' taint");
    }
    JsonNode llm = production.get("Deployment", name("llm")).at("/spec/template/spec");
    assertEquals("gpu", llm.at("/nodeSelector/pool").asText(), "own selector kept");
    assertEquals("NVIDIA-H100-80GB-HBM3", llm.at("/nodeSelector/nvidia.com~1gpu.product").asText());
    JsonNode stt = production.get("Deployment", name("stt")).at("/spec/template/spec");
    assertEquals("true", stt.at("/nodeSelector/nvidia.com~1gpu.present").asText());
    assertEquals("dedicated", stt.at("/tolerations/0/key").asText(), "own toleration kept");
    // tts stays on CPU nodes, and nothing requests a GPU with the default values.
    JsonNode tts = container(production.get("Deployment", name("tts")));
    assertTrue(tts.at("/resources/limits/nvidia.com~1gpu").isMissingNode());
    for (JsonNode d : defaults.ofKind("Deployment")) {
      assertTrue(container(d).at("/resources/limits/nvidia.com~1gpu").isMissingNode());
      assertTrue(d.at("/spec/template/spec/tolerations").isMissingNode());
    }
  }

  @Test
  void kafkaSecurityReachesEveryClientOfEveryService(@TempDir Path dir) throws Exception {
    List<JsonNode> workloads = new java.util.ArrayList<>(production.ofKind("Deployment"));
    workloads.addAll(production.ofKind("Job"));
    for (JsonNode w : workloads) {
      String n = w.at("/metadata/name").asText();
      Config config = PodConfig.of(production, w, n + "-x1", SECRETS, dir);
      Map<String, Object> client = new KafkaSettings(config).common();
      assertEquals(
          "b-1.kafka.example:9096,b-2.kafka.example:9096", client.get("bootstrap.servers"));
      assertEquals("SASL_SSL", client.get("security.protocol"), n);
      assertEquals("SCRAM-SHA-512", client.get("sasl.mechanism"), n);
      assertEquals(
          SECRETS.get("kafka-assistant-user").get("sasl.jaas.config"),
          client.get("sasl.jaas.config"),
          n);
      assertEquals("PKCS12", client.get("ssl.truststore.type"), n);
      assertEquals("store-secret", client.get("ssl.truststore.password"), n);
      // The truststore is a file of the TLS secret, mounted where the setting points.
      String location = (String) client.get("ssl.truststore.location");
      String mountedFrom = secretMountedAt(w, location);
      assertEquals("kafka-cluster-ca", mountedFrom, n + " mounts " + location);
      assertEquals("ca.p12", Path.of(location).getFileName().toString());
      // Topics as every service names them.
      assertEquals("prod.llm.requests", Topics.from(config).llmRequests(), n);
      assertEquals(24, Topics.from(config).partitions(), n);
    }
  }

  @Test
  void configurationReachesTheServicesUnderTheKeysTheyRead(@TempDir Path dir) throws Exception {
    JsonNode gateway = production.get("Deployment", name("gateway"));
    Config gw = PodConfig.of(production, gateway, "gw-0", SECRETS, dir);
    assertEquals(5000, GatewaySettings.from(gw).maxInflight());
    assertEquals("0.0.0.0", gw.require("gateway.host"), "reachable from other pods");

    JsonNode llm = production.get("Deployment", name("llm"));
    Config llmConfig = PodConfig.of(production, llm, "llm-7f9c-abcde", SECRETS, dir);
    String modelDir = llmConfig.require("llm.model.dir");
    assertTrue(
        mountPaths(container(llm)).stream().anyMatch(m -> modelDir.startsWith(m + "/")),
        "llm.model.dir on a mounted volume");
    // LlmSettings checks that the directory exists: point it at one, keep everything else.
    Path localModel = Files.createDirectories(dir.resolve("llava"));
    LlmSettings settings = LlmSettings.from(llmConfig.with("llm.model.dir", localModel.toString()));
    assertEquals("gpu", settings.model().device());
    assertEquals(16, settings.model().maxBatch());

    WorkerSettings worker = workerSettings(llmConfig, "llm");
    assertEquals("llm-7f9c-abcde", worker.instanceId(), "the pod name is the worker ID");

    JsonNode stt = production.get("Deployment", name("stt"));
    Config sttConfig = PodConfig.of(production, stt, "stt-0", SECRETS, dir);
    assertTrue(sttConfig.require("stt.model.path").startsWith("/models/"));
    assertTrue(mountPaths(container(stt)).contains("/models"));

    // Every key the chart writes, in any workload, is one a service reads.
    List<JsonNode> workloads = new java.util.ArrayList<>(production.ofKind("Deployment"));
    workloads.addAll(production.ofKind("Job"));
    for (JsonNode w : workloads) {
      Config c = PodConfig.of(production, w, "pod-0", SECRETS, dir);
      for (String key : c.asMap().keySet()) {
        assertTrue(ServiceKeys.isRead(key), key + " is read by no service");
      }
    }
  }

  static WorkerSettings workerSettings(Config config, String worker) {
    Topics topics = Topics.from(config);
    return WorkerSettings.from(
        config,
        STAGES.get(worker),
        INPUT_TOPICS.get(worker).apply(topics),
        topics.results(),
        topics.dlq(),
        topics.control());
  }

  static Set<String> mountPaths(JsonNode container) {
    Set<String> out = new HashSet<>();
    container.path("volumeMounts").forEach(m -> out.add(m.get("mountPath").asText()));
    return out;
  }

  static int containerPort(JsonNode container, String name) {
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(name)) {
        return p.get("containerPort").asInt();
      }
    }
    throw new AssertionError("no port " + name);
  }

  static boolean selects(JsonNode selector, JsonNode labels) {
    var it = selector.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) {
        return false;
      }
    }
    return selector.size() > 0;
  }

  /** The Secret whose volume is mounted at the directory of {@code file}, or null. */
  static String secretMountedAt(JsonNode workload, String file) {
    for (JsonNode m : container(workload).path("volumeMounts")) {
      if (file.startsWith(m.get("mountPath").asText() + "/")) {
        for (JsonNode v : workload.at("/spec/template/spec/volumes")) {
          if (v.get("name").asText().equals(m.get("name").asText())) {
            return v.at("/secret/secretName").asText(null);
          }
        }
      }
    }
    return null;
  }
}
