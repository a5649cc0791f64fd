package dev.assistant.llm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.stream.IntStream;

/**
 * Measures how fast this machine streams weights from memory, the ceiling of decode speed: an fp32
 * matrix-vector product on the engine (what a dense decode step does) and a parallel Java sum over
 * the same amount of memory. The faster of the two is the bound.
 */
final class MemoryBandwidth {
  private MemoryBandwidth() {}

  /** Bytes per second of the engine's fp32 matrix-vector product over {@code bytes} of weights. */
  static double engineMatVec(NDManager manager, long bytes, int repeats) {
    int cols = 4096;
    int rows = (int) (bytes / 4 / cols);
    try (NDManager m = manager.newSubManager()) {
      NDArray w = m.randomUniform(-1, 1, new Shape(cols, rows));
      NDArray x = m.randomUniform(-1, 1, new Shape(1, cols));
      double best = Double.MAX_VALUE;
      for (int i = 0; i < repeats; i++) {
        long t0 = System.nanoTime();
        try (NDManager step = m.newSubManager()) {
          NDArray xs = x.duplicate();
          xs.attach(step);
          xs.matMul(w).toFloatArray();
        }
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
      return (double) rows * cols * 4 / best;
    }
  }

  /** Bytes per second of a parallel Java read of {@code bytes} of floats. */
  static double javaRead(long bytes, int repeats) {
    int threads = Runtime.getRuntime().availableProcessors();
    int per = (int) (bytes / 4 / threads);
    float[][] data = new float[threads][per];
    for (float[] d : data) {
      java.util.Arrays.fill(d, 1f);
    }
    double best = Double.MAX_VALUE;
    double sink = 0;
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      sink += IntStream.range(0, threads).parallel().mapToDouble(t -> sum(data[t])).sum();
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    if (sink == 42) {
      System.out.print("");
    }
    return (double) threads * per * 4 / best;
  }

  private static double sum(float[] a) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    for (int i = 0; i + 3 < a.length; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    return s0 + s1 + s2 + s3;
  }
}
