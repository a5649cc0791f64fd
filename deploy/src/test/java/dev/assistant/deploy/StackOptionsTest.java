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
            c, StackService.STT, o, "10.0.0.1:9092", Map.of("stt.model.path", "/m.bin"));
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
}
