package dev.assistant.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assistant.cli.testing.GatewayDouble;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark of the command line (a program that prints figures, not a test).
 *
 * <pre>
 * CliBench throughput JAR TARGET OUTDIR ITEMS PARALLEL PNG METRICS_URL[,URL...] [stage=n,...]
 * CliBench memory     JAR OUTDIR LINES[,LINES...] [JVM_FLAG ...]
 * </pre>
 *
 * <p>{@code throughput}: a batch of ITEMS text items with a short spoken answer (llm and tts; on
 * this machine the random-weight Whisper runs at several times real time, so speech would make a
 * run of modest size take an hour), run by the CLI's jar in its own process against a running
 * stack. Items/s as the CLI reports it, against the capacity of the slowest stage in the same run:
 * a stage's busy time is read from its own {@code assistant_stage_processing_seconds} before and
 * after the batch, and its capacity is items ÷ (busy seconds ÷ handlers working at once). The ratio
 * is the slowest stage's utilization. Also the CLI's peak RSS, and a PNG of latency percentiles
 * over the run.
 *
 * <p>{@code memory}: the CLI's peak RSS ({@code VmHWM}) streaming manifests of each size against
 * {@link GatewayDouble} on a TCP port (real gRPC, instant answers), so that a 100,000-line batch
 * takes minutes and what is measured is the command line alone.
 */
public final class CliBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CliBench() {}

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "throughput" -> throughput(args);
      case "memory" -> memory(args);
      default -> {
        System.err.println("usage: CliBench throughput|memory ... (see the class comment)");
        System.exit(64);
      }
    }
  }

  // --- throughput ------------------------------------------------------------------------------

  private static void throughput(String[] a) throws Exception {
    Path jar = Path.of(a[1]);
    String target = a[2];
    Path dir = Files.createDirectories(Path.of(a[3]));
    int items = Integer.parseInt(a[4]);
    int parallel = Integer.parseInt(a[5]);
    Path png = Path.of(a[6]);
    List<URI> pages = new ArrayList<>();
    for (String u : a[7].split(",")) {
      pages.add(URI.create(u));
    }
    Map<String, Integer> handlers = new HashMap<>(Map.of("stt", 1, "llm", 1, "tts", 1));
    if (a.length > 8) {
      for (String kv : a[8].split(",")) {
        String[] p = kv.split("=");
        handlers.put(p[0], Integer.parseInt(p[1]));
      }
    }

    String run = UUID.randomUUID().toString().substring(0, 8);
    Path warmManifest = manifest(dir.resolve("warm.jsonl"), Math.min(10, items));
    Cli warm =
        cli(
            jar,
            dir,
            List.of(),
            "batch",
            warmManifest.toString(),
            "--out",
            dir.resolve("warm-" + run).toString(),
            "--parallel",
            Integer.toString(parallel),
            "--id-prefix",
            "warm-" + run + "-",
            "--target",
            target,
            "--json");
    System.out.printf(Locale.ROOT, "warm-up: %d items, exit %d%n", Math.min(10, items), warm.exit);

    Path manifest = manifest(dir.resolve("bench.jsonl"), items);
    Path out = dir.resolve("out-" + run);
    Map<String, StageCapacity.Busy> before = StageCapacity.scrapeAll(pages);
    Cli batch =
        cli(
            jar,
            dir,
            List.of(),
            "batch",
            manifest.toString(),
            "--out",
            out.toString(),
            "--parallel",
            Integer.toString(parallel),
            "--id-prefix",
            "bench-" + run + "-",
            "--target",
            target,
            "--json",
            "--progress-every",
            "10");
    Map<String, StageCapacity.Busy> after = StageCapacity.scrapeAll(pages);
    JsonNode summary = JSON.readTree(batch.lastStdoutLine());
    double seconds = summary.get("seconds").asDouble();
    long done = summary.get("ok").asLong() + summary.get("failed").asLong();
    double itemsPerSecond = done / seconds;

    System.out.printf(
        Locale.ROOT,
        "%nbatch: %d items (%d ok, %d failed), --parallel %d, %.1f s: %.3f items/s;"
            + " CLI peak RSS %.1f MiB%n",
        done,
        summary.get("ok").asLong(),
        summary.get("failed").asLong(),
        parallel,
        seconds,
        itemsPerSecond,
        batch.peakKib / 1024.0);
    System.out.println(
        "stage   handlers   busy s   records   busy/item s   capacity items/s   utilization");
    String slowest = null;
    double slowestCapacity = Double.MAX_VALUE;
    for (String stage : List.of("stt", "llm", "tts")) {
      StageCapacity.Busy d =
          after
              .getOrDefault(stage, new StageCapacity.Busy(0, 0))
              .minus(before.getOrDefault(stage, new StageCapacity.Busy(0, 0)));
      int h = handlers.getOrDefault(stage, 1);
      double capacity = d.seconds() <= 0 ? Double.POSITIVE_INFINITY : done * h / d.seconds();
      System.out.printf(
          Locale.ROOT,
          "%-7s %8d %8.1f %9.0f %13.3f %18.3f %13.2f%n",
          stage,
          h,
          d.seconds(),
          d.records(),
          d.seconds() / done,
          capacity,
          itemsPerSecond / capacity);
      if (capacity < slowestCapacity) {
        slowestCapacity = capacity;
        slowest = stage;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "throughput / slowest stage's capacity (%s, %.3f items/s) = %.3f (goal >= 0.9)%n",
        slowest,
        slowestCapacity,
        itemsPerSecond / slowestCapacity);

    List<LatencyPlot.Point> points = new ArrayList<>();
    Map<String, double[]> modelMs = new LinkedHashMap<>();
    Instant start = null;
    List<JsonNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(out.resolve("results.jsonl"))) {
      JsonNode n = JSON.readTree(l);
      lines.add(n);
      Instant at = Instant.parse(n.get("finished_at").asText());
      Instant began = at.minusMillis(n.path("timings").path("client_ms").asLong());
      start = start == null || began.isBefore(start) ? began : start;
    }
    for (JsonNode n : lines) {
      Instant at = Instant.parse(n.get("finished_at").asText());
      points.add(
          new LatencyPlot.Point(
              (at.toEpochMilli() - start.toEpochMilli()) / 1000.0,
              n.path("timings").path("client_ms").asDouble()));
      n.path("timings")
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().has("model_ms")) {
                  double[] s = modelMs.computeIfAbsent(e.getKey(), k -> new double[2]);
                  s[0] += e.getValue().get("model_ms").asDouble();
                  s[1]++;
                }
              });
    }
    // The first item needs the whole path (Submit, coordinator, llm, tts, coordinator, Watch)
    // before
    // anything finishes: a fixed fill time that a short run pays in full. From the first completion
    // to the last, the pipeline is full and the rate is the steady one.
    double firstDone = points.stream().mapToDouble(LatencyPlot.Point::atSeconds).min().orElse(0);
    double lastDone = points.stream().mapToDouble(LatencyPlot.Point::atSeconds).max().orElse(0);
    double steady = (points.size() - 1) / Math.max(1e-9, lastDone - firstDone);
    System.out.printf(
        Locale.ROOT,
        "pipeline full (first item done after %.1f s): %.3f items/s = %.3f of the slowest"
            + " stage's capacity%n",
        firstDone,
        steady,
        steady / slowestCapacity);
    System.out.print("cross-check, model time per item from the completed events:");
    modelMs.forEach(
        (stage, s) ->
            System.out.printf(Locale.ROOT, " %s %.0f ms", stage, s[0] / Math.max(1, s[1])));
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "item latency (submit to completed, client side): p50 %.0f ms, p90 %.0f ms, p99 %.0f ms,"
            + " max %.0f ms%n",
        LatencyPlot.quantile(points, 0.5),
        LatencyPlot.quantile(points, 0.9),
        LatencyPlot.quantile(points, 0.99),
        LatencyPlot.quantile(points, 1.0));
    List<LatencyPlot.Window> windows = LatencyPlot.windows(points, 12);
    System.out.print(LatencyPlot.table(windows));
    LatencyPlot.draw(
        windows,
        String.format(
            Locale.ROOT,
            "assistant batch: %d items, --parallel %d, %.2f items/s (slowest stage %s)",
            done,
            parallel,
            itemsPerSecond,
            slowest),
        png);
    System.out.println("plot: " + png);
  }

  private static Path manifest(Path file, int items) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (int i = 0; i < items; i++) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "i" + i);
        m.put("prompt", "Answer briefly (" + i + ").");
        m.put("max_tokens", 6);
        w.write(JSON.writeValueAsString(m));
        w.newLine();
      }
    }
    return file;
  }

  // --- memory ----------------------------------------------------------------------------------

  private static void memory(String[] a) throws Exception {
    Path jar = Path.of(a[1]);
    Path dir = Files.createDirectories(Path.of(a[2]));
    List<Integer> sizes = new ArrayList<>();
    for (String s : a[3].split(",")) {
      sizes.add(Integer.parseInt(s));
    }
    List<String> jvm = new ArrayList<>(List.of(a).subList(4, a.length));
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new GatewayDouble(0, 0, false))
            .build()
            .start();
    try {
      String target = "127.0.0.1:" + server.getPort();
      System.out.printf(
          "CLI peak RSS (VmHWM) streaming a manifest against a gateway double at %s,"
              + " JVM flags: %s%n",
          target, jvm.isEmpty() ? "(none: as bin/assistant runs it)" : String.join(" ", jvm));
      System.out.println("   lines   seconds   items/s   peak RSS MiB");
      long first = -1;
      for (int n : sizes) {
        Path manifest = dir.resolve("lines-" + n + ".jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(manifest)) {
          for (int i = 0; i < n; i++) {
            w.write(
                "{\"id\":\"m"
                    + i
                    + "\",\"prompt\":\"Item "
                    + i
                    + ".\",\"max_tokens\":1,\"skip_speech\":true,\"speaker\":\"s"
                    + (i % 7)
                    + "\"}");
            w.newLine();
          }
        }
        Path out = dir.resolve("out-" + n);
        deleteTree(out);
        Cli c =
            cli(
                jar,
                dir,
                jvm,
                "batch",
                manifest.toString(),
                "--out",
                out.toString(),
                "--parallel",
                "16",
                "--target",
                target,
                "--json",
                "--progress-every",
                "30");
        JsonNode s = JSON.readTree(c.lastStdoutLine());
        if (s.get("ok").asLong() != n) {
          throw new IllegalStateException("not every line completed: " + c);
        }
        System.out.printf(
            Locale.ROOT,
            "%8d %9.1f %9.0f %14.1f%n",
            n,
            s.get("seconds").asDouble(),
            s.get("items_per_second").asDouble(),
            c.peakKib / 1024.0);
        first = first < 0 ? c.peakKib : first;
        if (n != sizes.get(0)) {
          System.out.printf(
              Locale.ROOT,
              "   ratio to %d lines: %.2f%n",
              sizes.get(0),
              c.peakKib / (double) first);
        }
      }
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  // --- running the CLI -------------------------------------------------------------------------

  private record Cli(int exit, long peakKib, Path stdout, Path stderr) {
    String lastStdoutLine() throws IOException {
      List<String> l = Files.readAllLines(stdout);
      return l.isEmpty() ? "{}" : l.get(l.size() - 1);
    }

    @Override
    public String toString() {
      try {
        return "exit " + exit + "\n" + Files.readString(stdout) + "\n" + Files.readString(stderr);
      } catch (IOException e) {
        return "exit " + exit;
      }
    }
  }

  private static int runs;

  private static Cli cli(Path jar, Path dir, List<String> jvm, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm);
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    cmd.addAll(List.of(args));
    String name = "cli-" + (++runs);
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .directory(new File("."))
            .start();
    long peak = PeakMemory.watch(p);
    int exit = p.waitFor();
    if (exit != 0 && exit != 65) {
      throw new IllegalStateException(
          String.join(" ", cmd) + " failed: " + new Cli(exit, peak, out, err));
    }
    return new Cli(exit, peak, out, err);
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
