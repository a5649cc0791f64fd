package dev.assistant.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assistant.common.testing.TopicReader;
import dev.assistant.internal.v1.ResultRecord;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.TargetDataLine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code assistant} command line as a user runs it: its shaded jar in its own JVM ({@code java
 * -jar}), against the real pipeline (in-JVM broker, the three real workers on generated models, a
 * gateway on a TCP port). Answers are kept to a few tokens: the checks are about delivery, resume
 * and accounting, not words.
 */
class CommandLineIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

  private static EndToEndPipeline pipeline;
  private static Path jar;

  @TempDir static Path work;

  @BeforeAll
  static void start() throws Exception {
    try (Stream<Path> s = Files.list(Path.of("..", "cli", "target"))) {
      jar =
          s.filter(p -> p.getFileName().toString().matches("cli-.*-all\\.jar"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("build the cli module first (its -all jar)"));
    }
    pipeline = EndToEndPipeline.startOnPort(Path.of("target", "e2e-models"));
  }

  @AfterAll
  static void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void askWithSpeechAndPictureWritesAPlayableAnswer() throws Exception {
    Path dir = Files.createDirectories(work.resolve("ask"));
    Path wav = Files.write(dir.resolve("question.wav"), TestMedia.speechWav(2.0));
    Path png = Files.write(dir.resolve("picture.png"), TestMedia.png());
    Path answer = dir.resolve("answer.wav");
    Run r =
        run(
            dir,
            "ask",
            "--audio",
            wav.toString(),
            "--image",
            png.toString(),
            "--prompt",
            "Describe it.",
            "--max-tokens",
            "3",
            "--out",
            answer.toString());
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("you said: "), r.toString());
    assertTrue(r.out.contains("answer: "), r.toString());
    assertTrue(r.out.contains("timings: stt: queued"), r.toString());
    try (AudioInputStream in = AudioSystem.getAudioInputStream(answer.toFile())) {
      AudioFormat f = in.getFormat();
      assertEquals(16, f.getSampleSizeInBits());
      assertEquals(1, f.getChannels());
      assertTrue(in.getFrameLength() > 0, "the WAV holds audio");
      byte[] pcm = in.readAllBytes();
      assertEquals(in.getFrameLength() * 2, pcm.length, "header sizes match the data");
      assertTrue(r.out.contains("audio: " + answer), r.toString());
    }
  }

  @Test
  void batchKilledHalfWayResumesWithEveryItemExactlyOnce() throws Exception {
    Path dir = Files.createDirectories(work.resolve("batch"));
    Path clips = Files.createDirectories(dir.resolve("clips"));
    Files.write(clips.resolve("short.wav"), TestMedia.speechWav(1.0));
    Files.write(clips.resolve("picture.png"), TestMedia.png());
    String prefix = "kill-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    List<String> lines = new ArrayList<>();
    int items = 50;
    for (int i = 0; i < items; i++) {
      // Mixed: text only, picture + text, speech (+ spoken answer for some); IDs from the manifest
      // for even items and from content for odd ones.
      Map<String, Object> m = new HashMap<>();
      if (i % 2 == 0) {
        m.put("id", "n" + i);
      }
      m.put("prompt", "Item " + i + ".");
      m.put("max_tokens", 2);
      m.put("skip_speech", i % 10 != 3);
      switch (i % 5) {
        case 1, 2 -> m.put("image", "clips/picture.png");
        case 3 -> m.put("audio", "clips/short.wav");
        default -> {}
      }
      lines.add(JSON.writeValueAsString(m));
    }
    Path manifest = Files.write(dir.resolve("manifest.jsonl"), lines);
    Path out = dir.resolve("out");
    String[] args = {
      "batch",
      manifest.toString(),
      "--out",
      out.toString(),
      "--parallel",
      "4",
      "--id-prefix",
      prefix
    };

    Process first = start(dir, "first", args);
    Path results = out.resolve("results.jsonl");
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    while (lineCount(results) < 8 && first.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(first.isAlive(), "the first run was still going when killed");
    first.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    long beforeKill = lineCount(results);
    assertTrue(beforeKill >= 8 && beforeKill < items, "killed half-way: " + beforeKill + " done");

    Run second = run(dir, args);
    assertEquals(0, second.exit, second.toString());
    assertTrue(second.err.contains("already done"), second.toString());

    List<JsonNode> written = new ArrayList<>();
    for (String l : Files.readAllLines(results)) {
      written.add(JSON.readTree(l));
    }
    Map<String, Long> perId =
        written.stream()
            .collect(Collectors.groupingBy(n -> n.get("id").asText(), Collectors.counting()));
    assertEquals(items, written.size(), "one line per item");
    assertEquals(items, perId.size(), "no item twice");
    for (JsonNode n : written) {
      assertEquals("ok", n.get("status").asText(), n.toString());
      assertTrue(n.get("id").asText().startsWith(prefix), n.toString());
    }
    long spoken = written.stream().filter(n -> n.has("audio_file")).count();
    assertEquals(5, spoken, "the items with a spoken answer have their audio");
    for (JsonNode n : written) {
      if (n.has("audio_file")) {
        assertTrue(Files.size(out.resolve(n.get("audio_file").asText())) > 44);
      }
    }

    Set<String> ids = new TreeSet<>(perId.keySet());
    try (var reader =
        new TopicReader<>(pipeline.config(), pipeline.topics().results(), ResultRecord.parser())) {
      reader.readUntil(
          l ->
              l.stream()
                  .map(ResultRecord::getRequestId)
                  .collect(Collectors.toSet())
                  .containsAll(ids),
          Duration.ofMinutes(2));
      Map<String, Long> records =
          reader.readUntil(l -> false, Duration.ofSeconds(2)).stream()
              .map(ResultRecord::getRequestId)
              .filter(ids::contains)
              .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
      assertEquals(ids, records.keySet(), "every item has a result record");
      records.forEach((id, n) -> assertEquals(1L, n, "result records of " + id));
    }
  }

  @Test
  void badLinesGetTheirOwnErrorsAndTheRestCompletes() throws Exception {
    Path dir = Files.createDirectories(work.resolve("bad"));
    Files.write(dir.resolve("broken.png"), TestMedia.truncatedPng());
    String prefix = "bad-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    List<String> lines =
        List.of(
            "{\"id\":\"ok1\",\"prompt\":\"One.\",\"max_tokens\":2,\"skip_speech\":true,"
                + "\"reference_answer\":\"one\"}",
            "{\"id\":\"missing\",\"audio\":\"nowhere.wav\",\"max_tokens\":2}",
            "{\"id\":\"ok2\",\"prompt\":\"Two.\",\"max_tokens\":2,\"skip_speech\":true,"
                + "\"reference_answer\":\"two\"}",
            "{\"id\":\"corrupt\",\"image\":\"broken.png\",\"prompt\":\"What?\",\"max_tokens\":2}",
            "{\"id\":\"voice\",\"prompt\":\"Say it.\",\"max_tokens\":2,\"voice\":\"no-such-voice\"}",
            "{this is not json",
            "{\"id\":\"ok3\",\"prompt\":\"Three.\",\"max_tokens\":2,\"skip_speech\":true}");
    Path manifest = Files.write(dir.resolve("manifest.jsonl"), lines);
    Path out = dir.resolve("out");
    Run r = run(dir, "batch", manifest.toString(), "--out", out.toString(), "--id-prefix", prefix);
    assertEquals(65, r.exit, "some items failed: " + r);

    Map<String, JsonNode> byId = new HashMap<>();
    for (String l : Files.readAllLines(out.resolve("results.jsonl"))) {
      JsonNode n = JSON.readTree(l);
      assertFalse(byId.containsKey(n.get("id").asText()), "twice: " + n);
      byId.put(n.get("id").asText(), n);
    }
    assertEquals(lines.size(), byId.size(), byId.keySet().toString());
    for (String ok : List.of("ok1", "ok2", "ok3")) {
      assertEquals(
          "ok", byId.get(prefix + ok).get("status").asText(), byId.get(prefix + ok).toString());
    }
    assertError(byId.get(prefix + "missing"), "INVALID_ARGUMENT", "no such file");
    assertError(byId.get(prefix + "corrupt"), "INVALID_ARGUMENT", "");
    assertError(byId.get(prefix + "voice"), null, "no-such-voice");
    JsonNode notJson =
        byId.values().stream()
            .filter(n -> n.get("source").asText().endsWith(":6"))
            .findFirst()
            .orElseThrow();
    assertError(notJson, "INVALID_ARGUMENT", "not valid JSON");

    Run eval = run(dir, "eval", out.resolve("results.jsonl").toString(), "--json");
    assertEquals(0, eval.exit, eval.toString());
    JsonNode summary = JSON.readTree(eval.out.strip());
    assertEquals(lines.size(), summary.get("items").asInt());
    assertEquals(4, summary.get("failed").asInt());
    assertEquals(2, summary.get("answers_scored").asInt());
    double bleu = summary.get("bleu").asDouble();
    assertTrue(bleu >= 0 && bleu <= 100, summary.toString());
  }

  @Test
  void healthSaysServingAndNothingListeningIsUnavailable() throws Exception {
    Path dir = Files.createDirectories(work.resolve("health"));
    Run r = run(dir, "health");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("SERVING"), r.toString());

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Run down = run(dir, "health", "--target", "127.0.0.1:" + closed, "--deadline", "5s");
    assertEquals(14, down.exit, "UNAVAILABLE: " + down);
    assertTrue(down.err.contains("UNAVAILABLE"), down.toString());
  }

  @Test
  void converseStreamsAFileAndWatchReplaysItFromASequence() throws Exception {
    Path dir = Files.createDirectories(work.resolve("converse"));
    Path wav = Files.write(dir.resolve("question.wav"), TestMedia.speechWav(2.0));
    Run r = run(dir, "converse", "--audio", wav.toString(), "--max-tokens", "2");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("you said: "), r.toString());
    assertTrue(r.out.contains("answer: "), r.toString());
    assertTrue(r.out.contains("timings: stt: queued"), r.toString());
    String id = requestId(r.err);

    Run all = run(dir, "watch", id, "--json");
    assertEquals(0, all.exit, all.toString());
    List<JsonNode> events = jsonLines(all.out);
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).get("sequence").asLong(), "gap-free from 1: " + all);
    }
    assertTrue(events.get(events.size() - 1).has("completed"), all.toString());

    Run tail = run(dir, "watch", id, "--from", "3", "--json");
    assertEquals(0, tail.exit, tail.toString());
    List<JsonNode> fromThree = jsonLines(tail.out);
    assertEquals(events.size() - 2, fromThree.size(), tail.toString());
    assertEquals(3, fromThree.get(0).get("sequence").asLong(), tail.toString());
    assertEquals(events.get(events.size() - 1), fromThree.get(fromThree.size() - 1));

    Run unknown = run(dir, "watch", "no-such-request-" + UUID.randomUUID());
    assertEquals(5, unknown.exit, "NOT_FOUND: " + unknown);
  }

  @Test
  void cancelStopsAConversationWhileItIsStillSpoken() throws Exception {
    Path dir = Files.createDirectories(work.resolve("cancel"));
    // Long enough that the request is still being spoken when the accepted event reaches the
    // command line even on a slow machine; a cancel ends it long before.
    double seconds = 30.0;
    Path wav = Files.write(dir.resolve("long.wav"), TestMedia.speechWav(seconds));
    long started = System.nanoTime();
    Process speaking =
        start(
            dir,
            "speaking",
            "converse",
            "--audio",
            wav.toString(),
            "--realtime",
            "--max-tokens",
            "2");
    Path err = dir.resolve("speaking.err");
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    while (!Files.readString(err).contains("request ")
        && speaking.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    String id = requestId(Files.readString(err));
    assertTrue(speaking.isAlive(), "still speaking when cancelled");

    Run cancel = run(dir, "cancel", id);
    assertEquals(0, cancel.exit, cancel.toString());
    assertTrue(cancel.out.contains("cancelled " + id), cancel.toString());
    assertTrue(speaking.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    double tookSeconds = (System.nanoTime() - started) / 1e9;
    assertEquals(1, speaking.exitValue(), "CANCELLED: " + Files.readString(err));
    assertTrue(
        tookSeconds < seconds, "ended by the cancel, not by the audio (" + tookSeconds + " s)");

    Run again = run(dir, "cancel", id);
    assertEquals(0, again.exit, again.toString());
    assertTrue(again.out.contains("already finished"), again.toString());
    Run unknown = run(dir, "cancel", "no-such-request-" + UUID.randomUUID());
    assertEquals(5, unknown.exit, "NOT_FOUND: " + unknown);
  }

  @Test
  void realtimePacingTakesAsLongAsTheSpeech() throws Exception {
    Path dir = Files.createDirectories(work.resolve("realtime"));
    double seconds = 3.0;
    Path wav = Files.write(dir.resolve("question.wav"), TestMedia.speechWav(seconds));
    long started = System.nanoTime();
    Run r = run(dir, "converse", "--audio", wav.toString(), "--realtime", "--max-tokens", "2");
    double tookSeconds = (System.nanoTime() - started) / 1e9;
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("you said: "), r.toString());
    assertTrue(tookSeconds >= seconds, "paced at real time: took " + tookSeconds + " s");
  }

  @Test
  void micWithoutACaptureDeviceSaysSo() throws Exception {
    assumeFalse(
        AudioSystem.isLineSupported(
            new DataLine.Info(TargetDataLine.class, new AudioFormat(16_000, 16, 1, true, false))),
        "this machine has a capture device");
    Path dir = Files.createDirectories(work.resolve("mic"));
    Run r = run(dir, "converse", "--mic", "--seconds", "1");
    assertEquals(14, r.exit, r.toString());
    assertTrue(r.err.contains("no audio capture device"), r.toString());
  }

  private static String requestId(String stderr) {
    Matcher m = Pattern.compile("(?m)^request (\\S+)").matcher(stderr);
    assertTrue(m.find(), "the accepted line names the request: " + stderr);
    return m.group(1);
  }

  private static List<JsonNode> jsonLines(String out) throws IOException {
    List<JsonNode> l = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        l.add(JSON.readTree(line));
      }
    }
    assertFalse(l.isEmpty(), "no events");
    return l;
  }

  private static void assertError(JsonNode n, String code, String reasonPart) {
    assertEquals("error", n.get("status").asText(), n.toString());
    JsonNode e = n.get("error");
    if (code != null) {
      assertEquals(code, e.get("code").asText(), n.toString());
    }
    assertFalse(e.get("reason").asText().isBlank(), n.toString());
    assertTrue(e.get("reason").asText().contains(reasonPart), n.toString());
  }

  // --- running the jar --------------------------------------------------------------------------

  private record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private static int runs;

  private static Process start(Path dir, String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    cmd.addAll(List.of(args));
    // eval reads a file and talks to no gateway; a case may name its own target
    if (!args[0].equals("eval") && !List.of(args).contains("--target")) {
      cmd.add("--target");
      cmd.add("127.0.0.1:" + pipeline.port());
    }
    return new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectOutput(new File(dir.toFile(), name + ".out"))
        .redirectError(new File(dir.toFile(), name + ".err"))
        .start();
  }

  private static Run run(Path dir, String... args) throws Exception {
    String name = "run-" + (++runs);
    Process p = start(dir, name, args);
    if (!p.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the command did not finish: " + String.join(" ", args));
    }
    return new Run(
        p.exitValue(),
        Files.readString(dir.resolve(name + ".out"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve(name + ".err"), StandardCharsets.UTF_8));
  }

  private static long lineCount(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> l = Files.lines(file)) {
      return l.count();
    }
  }
}
