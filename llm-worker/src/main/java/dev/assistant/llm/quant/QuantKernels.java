package dev.assistant.llm.quant;

import java.util.function.IntConsumer;

/**
 * Process-wide settings of the matrix kernels: how many threads one product uses.
 *
 * <p>Thread-safety: all methods may be called at any time; a product already running finishes on
 * the pool it started with.
 */
public final class QuantKernels {

  /**
   * A chunk smaller than this many weights costs more to hand to another thread than to compute (a
   * few microseconds of dispatch against ~0.1 ns per weight).
   */
  private static final int MIN_WEIGHTS_PER_CHUNK = 32 * 1024;

  /** Chunks per thread: several, so a thread slowed by another process hands work to the rest. */
  private static final int CHUNKS_PER_THREAD = 4;

  private static volatile KernelPool pool;

  private QuantKernels() {}

  /**
   * Sets the number of threads (the calling thread included) that one matrix product uses. Default:
   * {@link Runtime#availableProcessors()}.
   */
  public static synchronized void setParallelism(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + threads);
    }
    KernelPool old = pool;
    if (old != null && old.parallelism() == threads) {
      return;
    }
    pool = new KernelPool(threads);
    if (old != null) {
      old.close();
    }
  }

  /** Threads one matrix product uses. */
  public static int parallelism() {
    return pool().parallelism();
  }

  /**
   * Runs {@code part.accept(i)} for every i in {@code [0, parts)} on the kernel pool, the calling
   * thread included, and returns when all are done. For callers that split work into as many pieces
   * as {@link #parallelism()} themselves (e.g. one engine call per piece).
   */
  public static void forEachPart(int parts, IntConsumer part) {
    pool()
        .run(
            parts,
            parts,
            (start, end) -> {
              for (int i = start; i < end; i++) {
                part.accept(i);
              }
            });
  }

  /** Runs {@code task} over rows {@code [0, rows)}, in parallel when the work is large enough. */
  static void forRows(int rows, long weightsPerRow, KernelPool.RangeTask task) {
    KernelPool p = pool();
    long totalWeights = rows * Math.max(1, weightsPerRow);
    long byWork = totalWeights / MIN_WEIGHTS_PER_CHUNK;
    int chunks = (int) Math.min(Math.min(byWork, (long) p.parallelism() * CHUNKS_PER_THREAD), rows);
    p.run(rows, Math.max(1, chunks), task);
  }

  private static KernelPool pool() {
    KernelPool p = pool;
    if (p == null) {
      synchronized (QuantKernels.class) {
        if (pool == null) {
          pool = new KernelPool(Runtime.getRuntime().availableProcessors());
        }
        p = pool;
      }
    }
    return p;
  }
}
