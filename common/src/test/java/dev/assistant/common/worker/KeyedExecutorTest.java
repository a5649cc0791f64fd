package dev.assistant.common.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyedExecutorTest {
  @Test
  void tasksOfOneKeyRunInOrderAndNeverTogetherWhileKeysRunInParallel() throws Exception {
    try (KeyedExecutor ex = new KeyedExecutor(4, "t")) {
      Map<String, List<Integer>> order = new ConcurrentHashMap<>();
      Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
      AtomicInteger maxParallel = new AtomicInteger();
      AtomicInteger overlapWithinKey = new AtomicInteger();
      AtomicInteger now = new AtomicInteger();
      for (int i = 0; i < 50; i++) {
        for (String key : List.of("a", "b", "c", "d")) {
          int n = i;
          ex.submit(
              key,
              () -> {
                if (running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                  overlapWithinKey.incrementAndGet();
                }
                maxParallel.accumulateAndGet(now.incrementAndGet(), Math::max);
                order
                    .computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(n);
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                now.decrementAndGet();
                running.get(key).decrementAndGet();
              });
        }
      }
      assertTrue(ex.awaitIdle(30_000));
      assertEquals(0, overlapWithinKey.get());
      for (List<Integer> seen : order.values()) {
        for (int i = 0; i < seen.size(); i++) {
          assertEquals(i, seen.get(i));
        }
      }
      assertTrue(maxParallel.get() > 1, "different keys ran in parallel");
      assertEquals(0, ex.pending());
    }
  }
}
