package dev.assistant.llm.bench;

import dev.assistant.llm.backend.GenerationRequest;
import dev.assistant.llm.backend.GenerationResult;
import dev.assistant.llm.backend.SamplingOptions;
import dev.assistant.llm.backend.llava.LlavaModel;
import dev.assistant.llm.backend.llava.LlavaOptions;
import dev.assistant.llm.backend.nn.WeightFormat;
import dev.assistant.llm.tools.CheckpointSpec;
import dev.assistant.llm.tools.RandomLlavaCheckpointWriter;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark at real dimensions with random weights (not a test): a TinyLlama-1.1B-shaped decoder
 * and a CLIP ViT-L/14-336 vision tower, written once as a sharded F16 checkpoint. For each weight
 * format it prints load time, resident weight memory, image-encode time, prefill and decode
 * tokens/s, decode speed against the memory-bandwidth bound measured in the same run, and the
 * throughput of 8 concurrent requests against 1 request measured the same way (and against the
 * single-sequence decode speed alone, which leaves the prefill out of the denominator).
 *
 * <p>Usage: {@code LlavaBenchmark <model-dir> [formats=fp32,fp16,int8,nf4,q4] [decode=32]
 * [repeats=2] [concurrency=8] [memory-only=false]}. The directory is written first when it has no
 * config.json.
 */
public final class LlavaBenchmark {
  private LlavaBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: LlavaBenchmark <model-dir> [formats=fp32,nf4] [decode=32] [repeats=2] [concurrency=8]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      opts.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    List<WeightFormat> formats = new ArrayList<>();
    for (String f : opts.getOrDefault("formats", "fp32,fp16,int8,nf4,q4").split(",")) {
      formats.add(WeightFormat.parse(f));
    }
    int decode = Integer.parseInt(opts.getOrDefault("decode", "32"));
    int repeats = Integer.parseInt(opts.getOrDefault("repeats", "2"));
    int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "8"));
    boolean memoryOnly = Boolean.parseBoolean(opts.getOrDefault("memory-only", "false"));
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      long t0 = System.nanoTime();
      RandomLlavaCheckpointWriter.write(CheckpointSpec.bench1b(), dir);
      System.out.printf(
          Locale.ROOT, "wrote random checkpoint in %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }
    byte[] image = photo();
    List<String> rows = new ArrayList<>();
    Map<WeightFormat, Double> decodeSpeed = new LinkedHashMap<>();
    Map<WeightFormat, Long> memory = new LinkedHashMap<>();
    double bandwidth = 0;
    for (WeightFormat format : formats) {
      long t0 = System.nanoTime();
      try (LlavaModel model =
          LlavaModel.load(
              LlavaOptions.defaults(dir)
                  .withFormat(format)
                  .withMaxBatch(Math.max(8, concurrency)))) {
        double loadS = (System.nanoTime() - t0) / 1e9;
        if (bandwidth == 0) {
          bandwidth =
              Math.max(
                  MemoryBandwidth.engineMatVec(model.manager(), 512L << 20, 5),
                  MemoryBandwidth.javaRead(512L << 20, 5));
          System.out.printf(
              Locale.ROOT,
              "memory bandwidth (best of engine fp32 matvec, Java read): %.1f GB/s%n",
              bandwidth / 1e9);
        }
        long weights = model.residentWeightBytes();
        long streamed = model.network().decoder().streamedBytesPerToken();
        if (memoryOnly) {
          memory.put(format, weights);
          System.out.printf(
              Locale.ROOT,
              "| %s | %.0f | %.0f | %.0f | - | - | - | - | - | - | - |%n",
              format.name().toLowerCase(Locale.ROOT),
              loadS,
              weights / 1048576.0,
              streamed / 1048576.0);
          continue;
        }
        double encode = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
          long e0 = System.nanoTime();
          model.encodeImage(image);
          encode = Math.min(encode, (System.nanoTime() - e0) / 1e9);
        }
        double prefill = 0;
        for (int i = 0; i < repeats; i++) {
          GenerationResult r =
              model.generate(
                  GenerationRequest.text(
                      "lorem ipsum dolor sit amet ".repeat(40), SamplingOptions.greedy(1)),
                  (t, n) -> {});
          prefill = Math.max(prefill, r.promptTokens() / (r.timeToFirstToken().toNanos() / 1e9));
        }
        double tps = 0;
        for (int i = 0; i < repeats; i++) {
          GenerationResult r =
              model.generate(
                  GenerationRequest.text(
                      "Tell me a story about a robot.", SamplingOptions.greedy(decode)),
                  (t, n) -> {});
          tps = Math.max(tps, r.tokensPerSecond());
        }
        double bound = bandwidth / streamed;
        double alone = 0;
        double batched = 0;
        for (int i = 0; i < repeats; i++) {
          alone = Math.max(alone, concurrent(model, 1, decode));
          batched = Math.max(batched, concurrent(model, concurrency, decode));
        }
        decodeSpeed.put(format, tps);
        memory.put(format, weights);
        rows.add(
            String.format(
                Locale.ROOT,
                "| %s | %.0f | %.0f | %.0f | %.2f | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f |",
                format.name().toLowerCase(Locale.ROOT),
                loadS,
                weights / 1048576.0,
                streamed / 1048576.0,
                encode,
                prefill,
                tps,
                bound,
                tps / bound,
                batched / alone,
                batched / tps));
        System.out.println(rows.get(rows.size() - 1));
      }
      System.gc();
    }
    System.out.println();
    System.out.println(
        "| format | load s | weights MiB | streamed per token MiB | image encode s | prefill tok/s | decode tok/s | bandwidth bound tok/s | decode ÷ bound | "
            + concurrency
            + " concurrent ÷ 1 | "
            + concurrency
            + " concurrent ÷ 1 decode |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
    Double fp32 = decodeSpeed.get(WeightFormat.FP32);
    Long fp16Bytes = memory.get(WeightFormat.FP16);
    for (WeightFormat f : decodeSpeed.keySet()) {
      System.out.printf(
          Locale.ROOT,
          "%s: decode %s fp32, memory %s fp16%n",
          f,
          fp32 == null ? "-" : String.format(Locale.ROOT, "%.2f×", decodeSpeed.get(f) / fp32),
          fp16Bytes == null
              ? "-"
              : String.format(Locale.ROOT, "%.2f×", memory.get(f) / (double) fp16Bytes));
    }
  }

  /**
   * Throughput of {@code n} concurrent greedy requests of {@code tokens} new tokens each: all
   * generated tokens ÷ wall time from submitting the first to completing the last (prefill
   * included). With {@code n = 1} this is the single-request throughput the batch is compared to.
   */
  private static double concurrent(LlavaModel model, int n, int tokens) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      long t0 = System.nanoTime();
      List<Future<GenerationResult>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String prompt = "Request " + i + ": tell me a story about a robot.";
        fs.add(
            pool.submit(
                () ->
                    model.generate(
                        GenerationRequest.text(prompt, SamplingOptions.greedy(tokens)),
                        (t, c) -> {})));
      }
      long total = 0;
      for (Future<GenerationResult> f : fs) {
        total += f.get().completionTokens();
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      return total / wall;
    } finally {
      pool.shutdownNow();
    }
  }

  /** A synthetic 640×480 photo-like image (gradients and shapes), PNG encoded. */
  static byte[] photo() throws IOException {
    BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 480; y++) {
      for (int x = 0; x < 640; x++) {
        img.setRGB(x, y, (x * 255 / 640) << 16 | (y * 255 / 480) << 8 | ((x + y) & 0xff));
      }
    }
    var g = img.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillOval(200, 120, 240, 240);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
