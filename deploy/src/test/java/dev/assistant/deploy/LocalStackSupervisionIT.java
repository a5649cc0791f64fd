package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a supervisor, with {@link FakeService} processes: a killed instance (or broker)
 * comes back while the rest keep running, a crash loop backs off, {@code --scale} runs separate
 * processes, {@code run-local.sh restart} restarts just what it names.
 */
class LocalStackSupervisionIT {
  private static final Duration READY = Duration.ofSeconds(60);

  /** The fakes on the shared broker, with restart delays short enough for a test. */
  static Map<String, String> fast(Map<String, String> values) {
    values.put("launcher.restart.backoff", "100ms");
    values.put("launcher.restart.max.backoff", "400ms");
    return values;
  }

  static LocalStack start(Map<String, String> values, Path runDir) {
    return LocalStackOrchestrationIT.start(values, runDir);
  }

  @Test
  void aKilledInstanceIsRestartedUnderTheSameIdentityAndTheOthersKeepRunning(@TempDir Path runDir)
      throws Exception {
    Map<String, String> values = fast(LocalStackOrchestrationIT.external(runDir));
    values.put("launcher.services", "stt,tts");
    try (CapturedLog log = CapturedLog.of(Supervisor.class);
        LocalStack stack = start(values, runDir)) {
      long stt = stack.instance("stt-1").pid();
      long tts = stack.instance("tts-1").pid();

      assertEquals(tts, stack.kill9("tts-1"));
      long again = stack.awaitReady("tts-1", READY);

      assertNotEquals(tts, again);
      assertEquals(stt, stack.instance("stt-1").pid(), "stt-1 was left alone");
      assertEquals(1, stack.restartCount("tts-1"));
      assertEquals(0, stack.restartCount("stt-1"));
      assertEquals(Long.toString(again), read(runDir.resolve("pids/tts-1.pid")));
      assertTrue(new HttpProbe(stack.instance("tts-1").metricsUri()).isReady());
      assertTrue(
          log.contains("tts-1 exited unexpectedly (pid " + tts + ", exit status 137)"),
          () -> String.join("\n", log.messages()));
      assertTrue(log.contains("restarting tts-1 (attempt 1) in 100 ms"));
      // Same config file, so the same transactional identity; both incarnations log to one file.
      String prefix = runDir.getFileName() + ".";
      String output = Files.readString(runDir.resolve("logs/tts-1.log"));
      assertEquals(
          2,
          output.lines().filter(l -> l.contains("instance id " + prefix + "tts-1,")).count(),
          output);
      assertTrue(output.contains("restart 1 by the launcher"), output);
    }
  }

  @Test
  void aServiceThatKeepsCrashingIsRestartedWithGrowingDelays(@TempDir Path runDir)
      throws Exception {
    Map<String, String> values = fast(LocalStackOrchestrationIT.external(runDir));
    values.put("launcher.services", "stt,tts");
    values.put("fake.behaviour.tts", "crash-on-restart");
    try (CapturedLog log = CapturedLog.of(Supervisor.class);
        LocalStack stack = start(values, runDir)) {
      long stt = stack.instance("stt-1").pid();
      stack.kill9("tts-1");
      await(() -> stack.restartCount("tts-1") >= 5, "five restarts of tts-1");

      String all = String.join("\n", log.messages());
      assertTrue(log.contains("restarting tts-1 (attempt 1) in 100 ms"), all);
      assertTrue(log.contains("restarting tts-1 (attempt 2) in 200 ms"), all);
      assertTrue(log.contains("restarting tts-1 (attempt 3) in 400 ms"), all);
      assertTrue(log.contains("restarting tts-1 (attempt 4) in 400 ms"), all);
      assertTrue(log.contains("tts-1 did not come back: tts-1 exited with status 5"), all);
      assertFalse(stack.instance("tts-1").ready());
      assertEquals(stt, stack.instance("stt-1").pid(), "stt-1 was left alone");
      assertEquals(0, stack.restartCount("stt-1"));
    }
    // Closing in the middle of a back-off stops everything all the same.
    try (var left = Files.list(runDir.resolve("pids"))) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void scaleRunsSeparateProcessesWithTheirOwnIdsPortsAndLogs(@TempDir Path runDir)
      throws Exception {
    Map<String, String> values = fast(LocalStackOrchestrationIT.external(runDir));
    values.put("launcher.services", "stt,gateway");
    values.put("launcher.scale", "stt=2,gateway=2");
    int grpc = Integer.parseInt(values.get(StackService.GRPC_PORT_KEY));
    String prefix = runDir.getFileName() + ".";
    try (LocalStack stack = start(values, runDir)) {
      List<RunningInstance> all = stack.instances();
      assertEquals(
          List.of("stt-1", "stt-2", "gateway-1", "gateway-2"),
          all.stream().map(RunningInstance::name).toList());
      Set<Long> pids = new HashSet<>();
      Set<Integer> ports = new HashSet<>();
      for (RunningInstance i : all) {
        assertTrue(i.pid() > 0 && i.ready(), i.toString());
        pids.add(i.pid());
        ports.add(i.metricsPort());
        assertTrue(new HttpProbe(i.metricsUri()).isReady(), i.name() + " metrics");
        assertTrue(
            Files.readString(i.logFile()).contains("fake " + i.name() + " starting"), i.name());
      }
      assertEquals(4, pids.size(), "one process each");
      assertEquals(4, ports.size(), "one metrics port each");
      assertEquals(grpc + 1, stack.instance("gateway-2").grpcPort().getAsInt());
      try (GrpcHealthProbe second = new GrpcHealthProbe("127.0.0.1", grpc + 1)) {
        assertTrue(second.isReady(), "gateway-2 SERVING");
      }
      assertEquals(
          prefix + "stt-2",
          load(runDir.resolve("config/stt-2.properties")).getProperty("worker.instance.id"));
      String banner = LocalStackMain.banner(stack);
      for (RunningInstance i : all) {
        assertTrue(banner.contains(i.name()) && banner.contains(i.metricsUri().toString()), banner);
      }
      assertTrue(banner.contains("127.0.0.1:" + (grpc + 1)), banner);
      assertEquals(2, stack.openAiEndpoints().size(), "an OpenAI API per gateway");
      for (String url : stack.openAiEndpoints().values()) {
        assertTrue(banner.contains(url), banner);
      }
    }
    assertEquals(
        List.of("gateway-2", "gateway-1", "stt-2", "stt-1"),
        Files.readAllLines(runDir.resolve("stop-order.txt")));
  }

  @Test
  void restartCommandRestartsJustWhatItNamesWithoutBackoff(@TempDir Path runDir) throws Exception {
    Map<String, String> values = fast(LocalStackOrchestrationIT.external(runDir));
    values.put("launcher.services", "stt,tts");
    values.put("launcher.scale", "tts=2");
    // A back-off this long would make the test time out if a requested restart waited for it.
    values.put("launcher.restart.backoff", "60s");
    values.put("launcher.restart.max.backoff", "60s");
    try (CapturedLog log = CapturedLog.of(Supervisor.class);
        LocalStack stack = start(values, runDir)) {
      long stt = stack.instance("stt-1").pid();
      long tts1 = stack.instance("tts-1").pid();
      long tts2 = stack.instance("tts-2").pid();

      // As from another shell: run-local.sh restart tts-2
      assertEquals(0, cli("restart", "tts-2", "--run-dir", runDir.toString()));

      assertNotEquals(tts2, stack.instance("tts-2").pid());
      assertTrue(stack.instance("tts-2").ready());
      assertEquals(tts1, stack.instance("tts-1").pid());
      assertEquals(stt, stack.instance("stt-1").pid());
      assertEquals(1, stack.restartCount("tts-2"));
      assertTrue(log.contains("restarting tts-2 on request"), () -> log.messages().toString());
      assertFalse(log.contains("exited unexpectedly"), () -> log.messages().toString());

      // A service name: each of its instances in turn.
      assertEquals(0, cli("restart", "tts", "--run-dir", runDir.toString()));
      assertEquals(1, stack.restartCount("tts-1"));
      assertEquals(2, stack.restartCount("tts-2"));
      assertEquals(stt, stack.instance("stt-1").pid());

      // The same through the Java API.
      long before = stack.instance("stt-1").pid();
      assertEquals(before, stack.restart("stt-1"));
      assertNotEquals(before, stack.awaitReady("stt-1", READY));

      assertEquals(1, cli("restart", "tts-9", "--run-dir", runDir.toString()));
    }
    assertEquals(1, cli("restart", "tts-1", "--run-dir", runDir.toString()), "no launcher");
  }

  @Test
  void aKilledBrokerComesBackOnTheSamePortWithItsData(@TempDir Path runDir) throws Exception {
    Map<String, String> values = fast(LocalStackOrchestrationIT.fakeStack(runDir));
    values.put("launcher.services", "tts");
    try (CapturedLog log = CapturedLog.of(Supervisor.class);
        LocalStack stack = start(values, runDir)) {
      String bootstrap = stack.bootstrapServers();
      long broker = stack.brokerPid();
      long tts = stack.instance("tts-1").pid();

      assertEquals(broker, stack.kill9Broker());
      long again = stack.awaitReady(LocalStack.BROKER, Duration.ofMinutes(2));

      assertNotEquals(broker, again);
      assertEquals(again, stack.brokerPid());
      assertEquals(bootstrap, stack.bootstrapServers());
      assertEquals(1, stack.restartCount(LocalStack.BROKER));
      assertEquals(tts, stack.instance("tts-1").pid(), "the services kept running");
      assertTrue(log.contains("restarting broker (attempt 1)"), () -> log.messages().toString());
      try (Admin admin = Admin.create(LocalBroker.adminSettings(bootstrap))) {
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        assertTrue(topics.size() > 3, "the topics created before the kill are there: " + topics);
      }
    }
  }

  @Test
  void stopFromAnotherShellStopsTheRunningLauncherWhichStopsEverythingInOrder(@TempDir Path runDir)
      throws Exception {
    Map<String, String> values = fast(LocalStackOrchestrationIT.external(runDir));
    values.put("launcher.services", "stt,tts");
    Path configFile = runDir.resolve("launcher.properties");
    PropertiesFile.write(configFile, "test launcher", new java.util.LinkedHashMap<>(values));
    Process launcher =
        new ProcessBuilder(
                LocalBroker.javaExecutable().toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LocalStackMain.class.getName(),
                "--config",
                configFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(runDir.resolve("launcher.out").toFile())
            .start();
    try {
      await(
          () -> Files.exists(runDir.resolve("pids/tts-1.ready")) || !launcher.isAlive(),
          "the launcher to start everything");
      assertTrue(launcher.isAlive(), () -> read(runDir.resolve("launcher.out")));

      assertEquals(0, cli("stop", "--run-dir", runDir.toString()));

      assertTrue(launcher.waitFor(10, TimeUnit.SECONDS), "the launcher exited");
      assertEquals(List.of("tts-1", "stt-1"), Files.readAllLines(runDir.resolve("stop-order.txt")));
      try (var left = Files.list(runDir.resolve("pids"))) {
        assertEquals(List.of(), left.toList());
      }
    } finally {
      launcher.destroyForcibly();
    }
  }

  private static int cli(String... args) {
    return LocalStackMain.run(args);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + READY.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(50);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
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
