package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackOptionsTest {
  static final Path ROOT = Path.of("/repo");

  @Test
  void defaultsRunEverythingOnALocalBrokerWithDistinctPorts() {
    StackOptions o = StackOptions.from(Config.empty(), ROOT);
    assertEquals(
        List.of(StackService.STT, StackService.LLM, StackService.TTS, StackService.GATEWAY),
        o.services());
    assertFalse(o.externalKafka());
    assertEquals(50051, o.grpcPort());
    assertEquals("127.0.0.1", o.grpcHost());
    assertEquals(Path.of("/repo/run"), o.runDir());
    assertEquals(9400, o.metricsPorts().get(StackService.GATEWAY));
    assertEquals(9401, o.metricsPorts().get(StackService.STT));
    StackOptions.Launch stt = o.launches().get(StackService.STT);
    assertEquals("/repo/stt-worker/target/stt-worker-0.1.0-SNAPSHOT-all.jar", stt.classpath());
    assertEquals("dev.assistant.stt.SttWorkerMain", stt.mainClass());
    assertTrue(stt.isDefaultJar());
  }

  @Test
  void servicesAreStartedWorkersFirstWhateverTheOrderGiven() {
    StackOptions o =
        StackOptions.from(Config.of(Map.of("launcher.services", "gateway, tts-worker")), ROOT);
    assertEquals(List.of(StackService.TTS, StackService.GATEWAY), o.services());
  }

  @Test
  void wildcardGatewayAddressIsProbedThroughLoopback() {
    StackOptions o = StackOptions.from(Config.of(Map.of("gateway.host", "0.0.0.0")), ROOT);
    assertEquals("127.0.0.1", o.grpcHost());
  }

  @Test
  void rejectsUnknownServicesSharedPortsAndBadModes() {
    assertThrows(
        ConfigException.class,
        () -> StackOptions.from(Config.of(Map.of("launcher.services", "stt,asr")), ROOT));
    assertThrows(
        ConfigException.class,
        () -> StackOptions.from(Config.of(Map.of("stt.metrics.port", "9402")), ROOT));
    assertThrows(
        ConfigException.class,
        () -> StackOptions.from(Config.of(Map.of("broker.mode", "docker")), ROOT));
  }

  @Test
  void serviceConfigCarriesClusterPortsAndModelsButNotLauncherKeys() {
    Config c =
        Config.of(
            Map.of(
                "launcher.services", "stt",
                "kafka.security.protocol", "SASL_SSL",
                "kafka.bootstrap.servers", "ignored:1"));
    StackOptions o = StackOptions.from(c, ROOT);
    Map<String, String> v =
        ServiceConfigs.of(
            c, o.instances().get(0), o, "10.0.0.1:9092", Map.of("stt.model.path", "/m.bin"));
    assertEquals("10.0.0.1:9092", v.get("kafka.bootstrap.servers"));
    assertEquals("SASL_SSL", v.get("kafka.security.protocol"));
    assertEquals("/m.bin", v.get("stt.model.path"));
    assertEquals("9403", v.get("tts.metrics.port"));
    assertEquals("127.0.0.1", v.get("gateway.host"));
    assertFalse(v.containsKey("launcher.services"));
  }

  @Test
  void modelWriterArgumentsPutTheOutputWhereTheTemplateSays() {
    Path out = Path.of("/run/models/x");
    assertEquals(
        List.of("/run/models/x", "tiny"),
        DefaultModels.args(Config.empty(), "k", DefaultModels.DEFAULT_LLM_ARGS, out));
    assertEquals(
        List.of("--size", "base", "--out", "/run/models/x"),
        DefaultModels.args(
            Config.of(Map.of("k", "--size base --out {out}")), "k", "unused {out}", out));
    assertThrows(
        ConfigException.class,
        () -> DefaultModels.args(Config.of(Map.of("k", "--size base")), "k", "", out));
  }

  @Test
  void scaledServicesGetNumberedInstancesWithTheirOwnPorts() {
    StackOptions o =
        StackOptions.from(Config.of(Map.of("launcher.scale", "stt=2,llm=3,gateway=2")), ROOT);
    assertEquals(
        List.of("stt-1", "stt-2", "llm-1", "llm-2", "llm-3", "tts-1", "gateway-1", "gateway-2"),
        o.instances().stream().map(ServiceInstance::name).toList());
    Map<String, ServiceInstance> byName =
        o.instances().stream()
            .collect(java.util.stream.Collectors.toMap(ServiceInstance::name, i -> i));
    assertEquals(9401, byName.get("stt-1").metricsPort());
    assertEquals(9411, byName.get("stt-2").metricsPort());
    assertEquals(9422, byName.get("llm-3").metricsPort());
    assertEquals(9410, byName.get("gateway-2").metricsPort());
    assertEquals(50051, byName.get("gateway-1").grpcPort().getAsInt());
    assertEquals(50052, byName.get("gateway-2").grpcPort().getAsInt());
    assertTrue(byName.get("stt-2").grpcPort().isEmpty());
    assertEquals(2, o.instanceCount(StackService.GATEWAY));
    assertEquals(1, o.instanceCount(StackService.TTS));
  }

  @Test
  void rejectsScaledPortsThatCollideAndScalingAServiceNotRun() {
    ConfigException clash =
        assertThrows(
            ConfigException.class,
            () ->
                StackOptions.from(
                    Config.of(
                        Map.of(
                            "launcher.scale", "stt=2",
                            "stt.metrics.port", "9500",
                            "llm.metrics.port", "9510")),
                    ROOT));
    assertTrue(clash.getMessage().contains("llm-1 metrics and stt-2 metrics"), clash.getMessage());
    ConfigException notRun =
        assertThrows(
            ConfigException.class,
            () ->
                StackOptions.from(
                    Config.of(Map.of("launcher.services", "tts", "launcher.scale", "stt=2")),
                    ROOT));
    assertTrue(notRun.getMessage().contains("not in launcher.services"), notRun.getMessage());
  }

  @Test
  void eachInstanceConfigCarriesItsOwnIdentityAndPorts() {
    Config c =
        Config.of(
            Map.of(
                "launcher.scale", "llm=2,gateway=2",
                "topics.prefix", "dev.",
                "worker.instance.id", "shared",
                "llm.worker.instance.id", "shared-too",
                "gateway.id", "gw"));
    StackOptions o = StackOptions.from(c, ROOT);
    Map<String, ServiceInstance> byName =
        o.instances().stream()
            .collect(java.util.stream.Collectors.toMap(ServiceInstance::name, i -> i));
    Map<String, String> llm2 = ServiceConfigs.of(c, byName.get("llm-2"), o, "b:1", Map.of());
    assertEquals("dev.llm-2", llm2.get("worker.instance.id"));
    assertFalse(llm2.containsKey("llm.worker.instance.id"), "would override the instance ID");
    assertEquals("9412", llm2.get("llm.metrics.port"));
    assertEquals("9401", llm2.get("stt.metrics.port"));
    Map<String, String> gw1 = ServiceConfigs.of(c, byName.get("gateway-1"), o, "b:1", Map.of());
    Map<String, String> gw2 = ServiceConfigs.of(c, byName.get("gateway-2"), o, "b:1", Map.of());
    assertEquals("50051", gw1.get("gateway.port"));
    assertEquals("50052", gw2.get("gateway.port"));
    assertEquals("9410", gw2.get("gateway.metrics.port"));
    assertEquals("8000", gw1.get("gateway.openai.port"));
    assertEquals("8001", gw2.get("gateway.openai.port"), "one OpenAI API port per gateway");
    assertFalse(llm2.containsKey("gateway.openai.port"));
    assertEquals("gw", gw1.get("gateway.id"));
    assertEquals("gw-2", gw2.get("gateway.id"));
    assertFalse(gw2.containsKey("worker.instance.id"));
  }

  @Test
  void anOpenAiApiPortOnAnotherInstancesPortIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                StackOptions.from(
                    Config.of(Map.of("launcher.scale", "gateway=2", "gateway.openai.port", "9409")),
                    ROOT));
    assertTrue(e.getMessage().contains("gateway-2 OpenAI API"), e.getMessage());
    assertTrue(e.getMessage().contains("9410"), e.getMessage());
  }

  @Test
  void instanceNamesMapBackToTheirService() {
    assertEquals(StackService.LLM, ServiceInstance.stageOf("llm-2").orElseThrow());
    assertEquals(StackService.LLM, ServiceInstance.stageOf("llm").orElseThrow());
    assertEquals(StackService.TTS, ServiceInstance.stageOf("tts-worker-3").orElseThrow());
    assertEquals(2, ServiceInstance.indexOf("llm-2"));
    assertEquals(1, ServiceInstance.indexOf("llm"));
    assertTrue(ServiceInstance.stageOf("broker").isEmpty());
    assertTrue(ServiceInstance.stageOf("launcher").isEmpty());
  }
}
