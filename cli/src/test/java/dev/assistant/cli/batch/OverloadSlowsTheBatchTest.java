package dev.assistant.cli.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assistant.cli.testing.GatewayDouble;
import dev.assistant.cli.testing.GatewayDouble.SubmitCall;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RESOURCE_EXHAUSTED with a {@code retry-after-ms} trailer on Submit (the gateway's admission
 * control) slows the batch down: the refused item is submitted again after the hint, every item
 * completes, none is failed for overload.
 */
class OverloadSlowsTheBatchTest {
  private static final int ITEMS = 12;
  private static final int REFUSALS = 5;
  private static final long RETRY_AFTER_MS = 150;

  @TempDir Path dir;
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void refusedSubmitsWaitTheHintAndEveryItemCompletes() throws Exception {
    GatewayDouble gateway = new GatewayDouble(REFUSALS, RETRY_AFTER_MS, true);
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(gateway).directExecutor().build();
    server.start();
    channel = InProcessChannelBuilder.forName(name).build();

    List<String> lines = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      lines.add("{\"id\":\"i" + i + "\",\"prompt\":\"Item " + i + ".\",\"skip_speech\":true}");
    }
    Path manifest = Files.write(dir.resolve("manifest.jsonl"), lines);
    Path out = dir.resolve("out");
    BatchRunner.Settings settings =
        new BatchRunner.Settings(
            out, 3, "", "", ItemOptions.NONE, false, null, Duration.ofMinutes(1), false, 60);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    BatchRunner.Summary summary;
    try (ItemSource source = ManifestReader.open(manifest)) {
      summary =
          new BatchRunner(settings, channel, new PrintStream(err, true, StandardCharsets.UTF_8))
              .run(source, ITEMS);
    }

    assertEquals(ITEMS, summary.ok(), err.toString(StandardCharsets.UTF_8));
    assertEquals(0, summary.failed());
    assertEquals(REFUSALS, summary.throttled(), "every refusal was counted as throttling");
    ObjectMapper json = new ObjectMapper();
    List<String> written = Files.readAllLines(out.resolve("results.jsonl"));
    assertEquals(ITEMS, written.size());
    for (String l : written) {
      JsonNode n = json.readTree(l);
      assertEquals("ok", n.get("status").asText(), l);
    }

    // Server-side view: each refused item came back, and not before the hint had passed.
    Map<String, List<SubmitCall>> byItem = new HashMap<>();
    for (SubmitCall c : gateway.submits()) {
      byItem.computeIfAbsent(c.requestId(), k -> new ArrayList<>()).add(c);
    }
    assertEquals(ITEMS, byItem.size());
    int refused = 0;
    for (List<SubmitCall> calls : byItem.values()) {
      assertTrue(!calls.get(calls.size() - 1).refused(), "accepted in the end: " + calls);
      for (int i = 0; i + 1 < calls.size(); i++) {
        assertTrue(calls.get(i).refused(), "only refusals are retried: " + calls);
        refused++;
        long waitedMs = (calls.get(i + 1).atNanos() - calls.get(i).atNanos()) / 1_000_000;
        assertTrue(
            waitedMs >= RETRY_AFTER_MS,
            "retried after " + waitedMs + " ms, the hint was " + RETRY_AFTER_MS + " ms");
      }
    }
    assertEquals(REFUSALS, refused);

    // The pause is shared: once refused, no item's Submit starts before the hint has passed,
    // except ones already on their way when the refusal came back.
    SubmitCall firstRefusal =
        gateway.submits().stream().filter(SubmitCall::refused).findFirst().orElseThrow();
    long tooEarly =
        gateway.submits().stream()
            .filter(c -> c.atNanos() > firstRefusal.atNanos())
            .filter(c -> c.atNanos() - firstRefusal.atNanos() < RETRY_AFTER_MS * 1_000_000)
            .count();
    assertTrue(
        tooEarly <= settings.parallel() - 1,
        tooEarly + " Submits started inside the pause of the first refusal");
  }
}
