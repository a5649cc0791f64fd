package dev.assistant.llm.quant;

import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Benchmark (a main, not a test) of the fused kernels at Llama-1B-class shapes: time per
 * matrix-vector product and GB/s of weights read for fp32 vs INT8 vs Q4 vs NF4 at 1 and N threads,
 * batched matMul time ÷ batch-1 time, and the memory bandwidth of this machine measured in the same
 * run (a vectorized sum over a 512 MiB array), so ratios are meaningful.
 *
 * <p>Arguments (all optional): {@code shapes=2048x2048,5632x2048 threads=1,2 seconds=0.05 repeats=5
 * block=64 formats=F32,INT8,Q4,NF4}. Every figure is the minimum over {@code repeats} runs of at
 * least {@code seconds} each.
 */
public final class QuantKernelBench {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  public static void main(String[] args) {
    String shapes = "2048x2048,5632x2048,2048x5632,32000x2048";
    String threadList = "1," + Runtime.getRuntime().availableProcessors();
    String formats = "F32,INT8,Q4,NF4";
    double seconds = 0.05;
    int repeats = 15;
    int block = 64;
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      switch (kv[0]) {
        case "shapes" -> shapes = kv[1];
        case "threads" -> threadList = kv[1];
        case "formats" -> formats = kv[1];
        case "seconds" -> seconds = Double.parseDouble(kv[1]);
        case "repeats" -> repeats = Integer.parseInt(kv[1]);
        case "block" -> block = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    int[] threads = parseInts(threadList);
    System.out.printf(
        "java %s, %d cores, float vector %d lanes, block %d, min of %d runs x %.2f s%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        F.length(),
        block,
        repeats,
        seconds);
    double[] bandwidth = new double[threads.length];
    for (int ti = 0; ti < threads.length; ti++) {
      QuantKernels.setParallelism(threads[ti]);
      bandwidth[ti] = memoryBandwidth(threads[ti], seconds, repeats);
      System.out.printf(
          "memory bandwidth (read, %d thread(s)): %.1f GB/s%n", threads[ti], bandwidth[ti]);
    }
    System.out.println();
    System.out.println(
        "shape          format  MiB    thr  matVec µs  GB/s   ÷bw    ×fp32  batch4/1  batch8/1");
    for (String shape : shapes.split(",")) {
      String[] rc = shape.split("x");
      int rows = Integer.parseInt(rc[0]);
      int cols = Integer.parseInt(rc[1]);
      float[] weights = randomWeights(rows, cols);
      String[] names = formats.split(",");
      QuantizedMatrix[][] sets = new QuantizedMatrix[names.length][];
      for (int f = 0; f < names.length; f++) {
        sets[f] = coldCopies(weights, rows, cols, names[f], block);
      }
      int[] batches = {1, 4, 8};
      for (int ti = 0; ti < threads.length; ti++) {
        QuantKernels.setParallelism(threads[ti]);
        Runnable[] calls = new Runnable[names.length * batches.length];
        for (int f = 0; f < names.length; f++) {
          for (int bi = 0; bi < batches.length; bi++) {
            calls[f * batches.length + bi] = productCall(sets[f], batches[bi]);
          }
        }
        double[] micros = interleavedMinMicros(calls, seconds, repeats);
        double fp32 = 0;
        for (int f = 0; f < names.length; f++) {
          QuantizedMatrix m = sets[f][0];
          double b1 = micros[f * batches.length];
          if (names[f].equals("F32")) {
            fp32 = b1;
          }
          double gbs = m.residentBytes() / (b1 * 1e3);
          System.out.printf(
              "%-14s %-6s %6.1f %4d %10.1f %6.1f %5.2f %6s %9.2f %9.2f%n",
              shape,
              names[f],
              m.residentBytes() / 1048576.0,
              threads[ti],
              b1,
              gbs,
              gbs / bandwidth[ti],
              fp32 > 0 ? String.format("%.2f", fp32 / b1) : "-",
              micros[f * batches.length + 1] / b1,
              micros[f * batches.length + 2] / b1);
        }
      }
    }
  }

  /**
   * Enough copies of the matrix that together they exceed the last-level cache (at least 128 MiB):
   * the timed calls cycle through them, so every call reads its weights from memory, as a decode
   * step over many layers does.
   */
  private static QuantizedMatrix[] coldCopies(
      float[] weights, int rows, int cols, String format, int block) {
    QuantizedMatrix first = build(weights, rows, cols, format, block);
    int count = (int) Math.max(1, Math.min(64, (128L << 20) / first.residentBytes() + 1));
    QuantizedMatrix[] copies = new QuantizedMatrix[count];
    copies[0] = first;
    for (int i = 1; i < count; i++) {
      copies[i] = build(weights, rows, cols, format, block);
    }
    return copies;
  }

  private static QuantizedMatrix build(
      float[] weights, int rows, int cols, String format, int block) {
    return format.equals("F32")
        ? FloatMatrix.of(weights, rows, cols)
        : QuantizedMatrix.quantize(weights, rows, cols, QuantFormat.valueOf(format), block);
  }

  /** One product with {@code batch} vectors, on the next copy each call. */
  private static Runnable productCall(QuantizedMatrix[] copies, int batch) {
    QuantizedMatrix m = copies[0];
    float[] x = new float[batch * m.cols()];
    float[] y = new float[batch * m.rows()];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble(-1, 1);
    }
    int[] next = {0};
    return () -> {
      QuantizedMatrix c = copies[next[0]++ % copies.length];
      if (batch == 1) {
        c.matVec(x, y);
      } else {
        c.matMul(x, batch, y);
      }
    };
  }

  /**
   * Minimum over {@code repeats} windows of the mean time of one call, in µs, for each call. The
   * windows of different calls are interleaved, so a burst of load from other processes on this
   * shared machine hits all of them alike instead of one format.
   */
  private static double[] interleavedMinMicros(Runnable[] calls, double seconds, int repeats) {
    double[] best = new double[calls.length];
    Arrays.fill(best, Double.MAX_VALUE);
    for (Runnable call : calls) {
      for (int i = 0; i < 20; i++) {
        call.run(); // warm-up: let the JIT compile the kernels
      }
    }
    for (int r = 0; r < repeats; r++) {
      for (int c = 0; c < calls.length; c++) {
        best[c] = Math.min(best[c], windowMicros(calls[c], seconds));
      }
    }
    return best;
  }

  private static double windowMicros(Runnable call, double seconds) {
    long budget = (long) (seconds * 1e9);
    long start = System.nanoTime();
    int calls = 0;
    long elapsed;
    do {
      call.run();
      calls++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < budget);
    return elapsed / 1e3 / calls;
  }

  /** Read bandwidth: a vectorized sum over a 512 MiB array split across {@code threads}. */
  private static double memoryBandwidth(int threads, double seconds, int repeats) {
    float[] big = new float[128 << 20];
    for (int i = 0; i < big.length; i += 1024) {
      big[i] = i;
    }
    float[] sink = new float[threads];
    int chunk = big.length / threads;
    Runnable sum =
        () ->
            QuantKernels.forRows(
                threads,
                Integer.MAX_VALUE,
                (start, end) -> {
                  for (int t = start; t < end; t++) {
                    sink[t] = sumRange(big, t * chunk, chunk);
                  }
                });
    double micros = interleavedMinMicros(new Runnable[] {sum}, seconds, repeats)[0];
    return big.length * 4.0 / (micros * 1e3);
  }

  private static float sumRange(float[] a, int from, int n) {
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = FloatVector.zero(F);
    FloatVector s2 = FloatVector.zero(F);
    FloatVector s3 = FloatVector.zero(F);
    int l = F.length();
    for (int i = from, end = from + n - 4 * l; i <= end; i += 4 * l) {
      s0 = s0.add(FloatVector.fromArray(F, a, i));
      s1 = s1.add(FloatVector.fromArray(F, a, i + l));
      s2 = s2.add(FloatVector.fromArray(F, a, i + 2 * l));
      s3 = s3.add(FloatVector.fromArray(F, a, i + 3 * l));
    }
    return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
  }

  private static float[] randomWeights(int rows, int cols) {
    float[] w = new float[rows * cols];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextDouble(-0.1, 0.1);
    }
    return w;
  }

  private static int[] parseInts(String list) {
    String[] parts = list.split(",");
    int[] values = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = Integer.parseInt(parts[i].trim());
    }
    return values;
  }
}
