package dev.assistant.llm.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class KernelPoolTest {

  @Test
  void everyIndexIsCoveredExactlyOncePerCall() {
    try (KernelPool pool = new KernelPool(3)) {
      for (int call = 0; call < 500; call++) {
        int total = 1 + call % 97;
        AtomicIntegerArray hits = new AtomicIntegerArray(total);
        pool.run(
            total,
            Math.min(total, 1 + call % 12),
            (start, end) -> {
              for (int i = start; i < end; i++) {
                hits.incrementAndGet(i);
              }
            });
        for (int i = 0; i < total; i++) {
          assertEquals(1, hits.get(i), "call " + call + " index " + i);
        }
      }
    }
  }

  @Test
  void failureInAWorkerReachesTheCaller() {
    try (KernelPool pool = new KernelPool(2)) {
      IllegalStateException boom = new IllegalStateException("boom");
      IllegalStateException thrown =
          assertThrows(
              IllegalStateException.class,
              () ->
                  pool.run(
                      8,
                      8,
                      (start, end) -> {
                        if (start == 5) {
                          throw boom;
                        }
                      }));
      assertSame(boom, thrown);
      // the pool still works afterwards
      AtomicIntegerArray hits = new AtomicIntegerArray(8);
      pool.run(8, 4, (start, end) -> hits.incrementAndGet(start));
      assertEquals(1, hits.get(6));
    }
  }

  @Test
  void concurrentCallersAllComplete() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(3);
    try (KernelPool pool = new KernelPool(2)) {
      Future<?>[] futures = new Future<?>[3];
      for (int c = 0; c < futures.length; c++) {
        futures[c] =
            callers.submit(
                () -> {
                  for (int call = 0; call < 300; call++) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(64);
                    pool.run(
                        64,
                        8,
                        (start, end) -> {
                          for (int i = start; i < end; i++) {
                            hits.incrementAndGet(i);
                          }
                        });
                    for (int i = 0; i < 64; i++) {
                      assertEquals(1, hits.get(i));
                    }
                  }
                  return null;
                });
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void rejectsNonPositiveParallelism() {
    assertThrows(IllegalArgumentException.class, () -> new KernelPool(0));
    assertThrows(IllegalArgumentException.class, () -> QuantKernels.setParallelism(0));
  }
}
