package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.AudioInput;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.common.config.Config;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-command launcher with the real services from their shaded jars and the default
 * random-weight models: everything starts, the gateway's gRPC health says SERVING, every metrics
 * endpoint answers, a text request comes back through LLM and TTS as an ordered event stream that
 * ends with completed, and everything stops again. Needs {@code mvn -DskipTests package} first (a
 * reactor {@code verify} builds the service modules before this one); without the jars it fails in
 * CI and is skipped elsewhere.
 */
class LocalStackIT {
  static final Path ROOT = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath();

  @Test
  void launcherStartsEveryServiceAndTheGatewayServes(@TempDir Path runDir) throws Exception {
    requireServiceJars();
    Map<String, String> m = new HashMap<>();
    m.put("launcher.run.dir", runDir.toString());
    // The local-broker path is covered by LocalStackOrchestrationIT; here the shared one serves.
    m.put("broker.mode", "external");
    m.put("kafka.bootstrap.servers", SharedTestBroker.get().bootstrapServers());
    m.put("topics.prefix", "stack-it.");
    m.put(StackService.GRPC_PORT_KEY, Integer.toString(FreePorts.next()));
    m.put("gateway.web.port", Integer.toString(FreePorts.next()));
    for (StackService s : StackService.values()) {
      m.put(s.metricsPortKey(), Integer.toString(FreePorts.next()));
    }
    m.put("topics.partitions", "2");
    m.put("launcher.start.timeout", "5m");
    Config config = Config.of(m);
    try (LocalStack stack = LocalStack.start(config, StackOptions.from(config, ROOT))) {
      try (GrpcHealthProbe health =
          new GrpcHealthProbe("127.0.0.1", Integer.parseInt(m.get(StackService.GRPC_PORT_KEY)))) {
        assertTrue(health.isReady(), "gateway gRPC health SERVING");
      }
      HttpClient http = HttpClient.newHttpClient();
      for (var e : stack.metricsEndpoints().entrySet()) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(e.getValue()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), e.getKey() + " " + e.getValue());
        assertTrue(r.body().contains("jvm_"), e.getKey() + " exposes Prometheus metrics");
      }
      assertTrue(Files.isRegularFile(runDir.resolve("models/whisper-random-tiny.bin")));
      assertTrue(Files.isRegularFile(runDir.resolve("models/llava-random/config.json")));
      assertTrue(
          stack.restartCounts().values().stream().allMatch(n -> n == 0),
          () -> "nothing had to be restarted: " + stack.restartCounts());
      List<Event> events = ask(Integer.parseInt(m.get(StackService.GRPC_PORT_KEY)));
      assertTrue(events.get(0).hasAccepted(), events.get(0).toString());
      for (int i = 0; i < events.size(); i++) {
        assertEquals(i + 1, events.get(i).getSequence(), "sequence numbers without gaps");
      }
      Event last = events.get(events.size() - 1);
      assertTrue(last.hasCompleted(), "last event: " + last);
      assertTrue(events.stream().anyMatch(Event::hasAnswer), "an answer came back");
      // A spoken request too, so that the recognizer's metrics have their first observations.
      List<Event> spoken = askWithSpeech(Integer.parseInt(m.get(StackService.GRPC_PORT_KEY)));
      assertTrue(spoken.get(spoken.size() - 1).hasCompleted(), "spoken: " + spoken);
      everyMonitoredMetricIsExposed(http, stack);
      // The workers announced what they serve: a voice none has is refused at once.
      io.grpc.StatusRuntimeException refused =
          assertThrows(
              io.grpc.StatusRuntimeException.class,
              () -> askWithVoice(Integer.parseInt(m.get(StackService.GRPC_PORT_KEY)), "no-such"));
      assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
      assertTrue(
          refused.getStatus().getDescription().startsWith("options.voice: no voice 'no-such'"),
          refused.getStatus().getDescription());
      assertTrue(
          stack.restartCounts().values().stream().allMatch(n -> n == 0),
          () -> "nothing had to be restarted: " + stack.restartCounts());
    }
    try (var pids = Files.list(runDir.resolve("pids"))) {
      assertEquals(List.of(), pids.toList(), "every process stopped and its PID file removed");
    }
  }

  /** One second of a 440 Hz tone as 16 kHz mono PCM16, through STT, LLM and TTS. */
  static List<Event> askWithSpeech(int grpcPort) {
    int rate = 16_000;
    byte[] pcm = new byte[rate * 2];
    for (int i = 0; i < rate; i++) {
      short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate));
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    try {
      List<Event> events = new ArrayList<>();
      AssistantGrpc.newBlockingStub(channel)
          .withDeadlineAfter(3, TimeUnit.MINUTES)
          .ask(
              AskRequest.newBuilder()
                  .setRequestId("local-stack-it-spoken")
                  .setAudio(
                      AudioInput.newBuilder()
                          .setEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
                          .setSampleRate(rate)
                          .setChannels(1)
                          .setData(ByteString.copyFrom(pcm)))
                  .setOptions(RequestOptions.newBuilder().setMaxTokens(4))
                  .build())
          .forEachRemaining(events::add);
      assertFalse(events.isEmpty(), "no events");
      return events;
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * Every metric the Grafana dashboard and the alert rules name is on some service's /metrics once
   * a request has gone through (labelled series appear with their first observation).
   */
  private static void everyMonitoredMetricIsExposed(HttpClient http, LocalStack stack)
      throws Exception {
    Set<String> exposed = new TreeSet<>();
    for (var e : stack.metricsEndpoints().entrySet()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(e.getValue()).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), e.getKey());
      exposed.addAll(MonitoredMetrics.exposed(r.body()));
    }
    Set<String> missing = new TreeSet<>(MonitoredMetrics.all());
    missing.removeAll(exposed);
    assertEquals(Set.of(), missing, "named in the dashboard or alerts but not exposed");
  }

  private static void askWithVoice(int grpcPort, String voice) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    try {
      AssistantGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .ask(
              AskRequest.newBuilder()
                  .setPrompt("Say hello.")
                  .setOptions(RequestOptions.newBuilder().setMaxTokens(8).setVoice(voice))
                  .build())
          .forEachRemaining(e -> {});
    } finally {
      channel.shutdownNow();
    }
  }

  /** A text-only request through the whole pipeline (LLM and TTS); its events, in order. */
  static List<Event> ask(int grpcPort) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    try {
      AskRequest request =
          AskRequest.newBuilder()
              .setRequestId("local-stack-it-1")
              .setPrompt("Say hello.")
              .setOptions(RequestOptions.newBuilder().setMaxTokens(8))
              .build();
      List<Event> events = new ArrayList<>();
      AssistantGrpc.newBlockingStub(channel)
          .withDeadlineAfter(3, TimeUnit.MINUTES)
          .ask(request)
          .forEachRemaining(events::add);
      assertFalse(events.isEmpty(), "no events");
      return events;
    } finally {
      channel.shutdownNow();
    }
  }

  static void requireServiceJars() {
    List<Path> missing = new ArrayList<>();
    for (StackService s : StackService.values()) {
      Path jar = s.jar(ROOT, StackOptions.PROJECT_VERSION);
      if (!Files.isRegularFile(jar)) {
        missing.add(jar);
      }
    }
    if (!missing.isEmpty() && "true".equals(System.getenv("CI"))) {
      fail("service jars missing in CI: " + missing + " (the reactor build must package them)");
    }
    assumeTrue(missing.isEmpty(), "service jars not built (mvn -DskipTests package): " + missing);
  }
}
