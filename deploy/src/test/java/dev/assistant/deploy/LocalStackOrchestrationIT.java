package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.common.config.Config;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's orchestration on a real broker, with {@link FakeService} processes standing in for
 * the services: start order and readiness, generated configs, stop order, and what happens when a
 * service fails to start or dies later.
 */
class LocalStackOrchestrationIT {

  /** A config that runs fakes in place of every service, on free ports, under {@code runDir}. */
  static Map<String, String> fakeStack(Path runDir) {
    Map<String, String> m = new HashMap<>();
    m.put("launcher.run.dir", runDir.toString());
    m.put("broker.classpath.file", System.getProperty("broker.classpath.file"));
    m.put("broker.port", Integer.toString(FreePorts.next()));
    m.put("broker.controller.port", Integer.toString(FreePorts.next()));
    m.put(StackService.GRPC_PORT_KEY, Integer.toString(FreePorts.next()));
    m.put("topics.partitions", "2");
    m.put("launcher.start.timeout", "60s");
    m.put("launcher.stop.timeout", "10s");
    m.put("fake.stop.log", runDir.resolve("stop-order.txt").toString());
    // Real model paths are configured, so nothing is generated.
    m.put("stt.model.path", runDir.resolve("model.bin").toString());
    m.put("llm.model.dir", runDir.resolve("llava").toString());
    for (StackService s : StackService.values()) {
      m.put(s.metricsPortKey(), Integer.toString(FreePorts.next()));
      m.put("launcher." + s.id() + ".classpath", System.getProperty("java.class.path"));
      m.put("launcher." + s.id() + ".main.class", FakeService.class.getName());
    }
    return m;
  }

  static Map<String, String> external(Path runDir) {
    Map<String, String> m = fakeStack(runDir);
    m.put("broker.mode", "external");
    m.put("kafka.bootstrap.servers", SharedTestBroker.get().bootstrapServers());
    m.put("topics.prefix", runDir.getFileName() + ".");
    return m;
  }

  static LocalStack start(Map<String, String> values, Path runDir) {
    Config config = Config.of(values);
    return LocalStack.start(config, StackOptions.from(config, runDir));
  }

  @Test
  void startsBrokerAndServicesThenStopsThemInReverseOrder(@TempDir Path runDir) throws Exception {
    Map<String, String> values = fakeStack(runDir);
    String bootstrap;
    try (LocalStack stack = start(values, runDir)) {
      bootstrap = stack.bootstrapServers();
      assertTrue(LocalBroker.answers(bootstrap, Duration.ofSeconds(5)));
      try (GrpcHealthProbe health =
          new GrpcHealthProbe(
              "127.0.0.1", Integer.parseInt(values.get(StackService.GRPC_PORT_KEY)))) {
        assertTrue(health.isReady(), "gateway SERVING");
      }
      for (var e : stack.metricsEndpoints().entrySet()) {
        assertTrue(new HttpProbe(e.getValue()).isReady(), e.getKey() + " metrics");
      }
      Properties stt = load(runDir.resolve("config/stt-1.properties"));
      assertEquals(bootstrap, stt.getProperty("kafka.bootstrap.servers"));
      assertEquals(values.get("stt.metrics.port"), stt.getProperty("stt.metrics.port"));
      assertEquals("stt-1", stt.getProperty("worker.instance.id"));
      assertFalse(stt.containsKey("launcher.run.dir"), "launcher keys are not passed on");
      assertTrue(Files.isRegularFile(runDir.resolve("pids/gateway-1.pid")));
      assertTrue(Files.isRegularFile(runDir.resolve("pids/launcher.pid")));
      assertTrue(Files.isRegularFile(runDir.resolve("logs/llm-1.log")));
      assertTrue(
          LocalStackMain.banner(stack).contains(values.get(StackService.GRPC_PORT_KEY)),
          "banner names the gRPC endpoint");
    }
    assertEquals(
        List.of("gateway-1", "tts-1", "llm-1", "stt-1"),
        Files.readAllLines(runDir.resolve("stop-order.txt")));
    assertFalse(LocalBroker.answers(bootstrap, Duration.ofSeconds(2)), "broker stopped too");
    try (var left = Files.list(runDir.resolve("pids"))) {
      assertEquals(List.of(), left.toList(), "every PID file removed");
    }
  }

  @Test
  void aServiceThatFailsToStartStopsEverythingAndSaysWhy(@TempDir Path runDir) throws Exception {
    Map<String, String> values = external(runDir);
    values.put("fake.behaviour.llm", "exit");
    StackException e = assertThrows(StackException.class, () -> start(values, runDir));
    assertTrue(e.getMessage().contains("llm-1 exited with status 3"), e.getMessage());
    assertTrue(e.getMessage().contains("fake failure: cannot load the model"), e.getMessage());
    assertEquals(List.of("stt-1"), Files.readAllLines(runDir.resolve("stop-order.txt")));
    assertFalse(Files.exists(runDir.resolve("pids/stt-1.pid")));
  }

  @Test
  void aServiceThatNeverGetsReadyTimesOut(@TempDir Path runDir) {
    Map<String, String> values = external(runDir);
    values.put("launcher.services", "tts");
    values.put("fake.behaviour.tts", "hang");
    values.put("launcher.start.timeout", "3s");
    StackException e = assertThrows(StackException.class, () -> start(values, runDir));
    assertTrue(e.getMessage().contains("tts-1 was not ready after 3 s"), e.getMessage());
  }

  @Test
  void refusesToStartOverARunningStackAndStopCleansUp(@TempDir Path runDir) throws Exception {
    Map<String, String> values = external(runDir);
    values.put("launcher.services", "tts");
    LocalStack first = start(values, runDir);
    try {
      StackException e = assertThrows(StackException.class, () -> start(values, runDir));
      assertTrue(e.getMessage().contains("still running"), e.getMessage());
      // What "run-local.sh stop" does after the launcher was killed.
      first.detach();
      Config config = Config.of(values);
      assertEquals(
          1, LocalStack.stopLeftovers(StackOptions.from(config, runDir), Duration.ofSeconds(10)));
      assertEquals(List.of("tts-1"), Files.readAllLines(runDir.resolve("stop-order.txt")));
    } finally {
      first.close();
    }
  }

  private static Properties load(Path file) throws Exception {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }
}
