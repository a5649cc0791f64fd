package dev.assistant.common.worker;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on a fixed pool while keeping tasks of one key in submission order and never
 * concurrent: each request's records are handled one after another, different requests in parallel.
 */
final class KeyedExecutor implements AutoCloseable {
  private final ExecutorService pool;
  private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
  private final AtomicInteger pending = new AtomicInteger();

  KeyedExecutor(int threads, String name) {
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Submits a task after every earlier task of the same key. */
  synchronized void submit(String key, Runnable task) {
    pending.incrementAndGet();
    CompletableFuture<Void> previous =
        tails.getOrDefault(key, CompletableFuture.completedFuture(null));
    CompletableFuture<Void> next =
        previous.thenRunAsync(
            () -> {
              try {
                task.run();
              } finally {
                pending.decrementAndGet();
              }
            },
            pool);
    tails.put(key, next);
    next.whenComplete(
        (v, e) -> {
          synchronized (this) {
            tails.remove(key, next);
          }
        });
  }

  /** Tasks submitted and not finished. */
  int pending() {
    return pending.get();
  }

  /** Waits until every submitted task finished, at most the timeout; true when all did. */
  boolean awaitIdle(long timeoutMs) throws InterruptedException {
    long end = System.currentTimeMillis() + timeoutMs;
    while (pending.get() > 0) {
      if (System.currentTimeMillis() >= end) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
