package dev.assistant.llm.backend.batch;

import ai.djl.ndarray.NDManager;
import dev.assistant.llm.backend.FinishReason;
import dev.assistant.llm.backend.GenerationResult;
import dev.assistant.llm.backend.nn.LlamaDecoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching: one thread runs decode steps for all active sequences together; new
 * sequences are admitted (prefilled) between steps while the batch has room and their KV cache fits
 * the memory budget, and finished, cancelled or expired sequences leave between steps. Admission is
 * FIFO: a sequence that does not fit waits for others to finish.
 *
 * <p>Thread-safety: {@link #submit} may be called from any thread; all model work happens on the
 * scheduler thread.
 */
public final class BatchScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

  private final LlamaDecoder decoder;
  private final NDManager manager;
  private final int maxBatch;
  private final long kvBudgetBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Deque<Sequence> pending = new ArrayDeque<>();
  private final List<Sequence> active = new ArrayList<>();
  private final AtomicInteger activeCount = new AtomicInteger();
  private final AtomicLong kvBytes = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  public BatchScheduler(LlamaDecoder decoder, NDManager manager, int maxBatch, long kvBudgetBytes) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1");
    }
    this.decoder = decoder;
    this.manager = manager;
    this.maxBatch = maxBatch;
    this.kvBudgetBytes = kvBudgetBytes;
    this.thread = new Thread(this::run, "llm-scheduler");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Largest KV reservation a single sequence may make. */
  public long kvBudgetBytes() {
    return kvBudgetBytes;
  }

  public void submit(Sequence s) {
    long bytes = decoder.cacheBytes(s.capacity);
    if (bytes > kvBudgetBytes) {
      throw new IllegalArgumentException(
          "a sequence of "
              + s.capacity
              + " positions needs "
              + bytes
              + " B of KV cache, above the budget of "
              + kvBudgetBytes);
    }
    s.reservedBytes = bytes;
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("model is closed");
      }
      pending.addLast(s);
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Sequences in the running batch. */
  public int activeSequences() {
    return activeCount.get();
  }

  /** KV cache bytes reserved by running sequences. */
  public long kvBytesInUse() {
    return kvBytes.get();
  }

  private void run() {
    while (true) {
      List<Sequence> admitted = new ArrayList<>();
      lock.lock();
      try {
        while (!closed && pending.isEmpty() && active.isEmpty()) {
          work.awaitUninterruptibly();
        }
        if (closed) {
          break;
        }
        while (!pending.isEmpty()
            && active.size() + admitted.size() < maxBatch
            && kvBytes.get() + pending.peekFirst().reservedBytes <= kvBudgetBytes) {
          Sequence s = pending.pollFirst();
          kvBytes.addAndGet(s.reservedBytes);
          admitted.add(s);
        }
      } finally {
        lock.unlock();
      }
      if (!admitted.isEmpty()) {
        prefill(admitted);
      }
      if (!active.isEmpty()) {
        decodeStep();
      }
      activeCount.set(active.size());
    }
    failAll(new IllegalStateException("model closed"));
  }

  /**
   * Prefills newly admitted sequences in one pass: quantized weights are dequantized once for all
   * of them, and dense weights are read once.
   */
  private void prefill(List<Sequence> admitted) {
    List<Sequence> running = new ArrayList<>();
    for (Sequence s : admitted) {
      if (s.shouldStop()) {
        complete(s, FinishReason.CANCELLED);
      } else {
        running.add(s);
      }
    }
    if (running.isEmpty()) {
      return;
    }
    float[] logits;
    try (NDManager step = manager.newSubManager()) {
      List<LlamaDecoder.Chunk> chunks = new ArrayList<>();
      for (Sequence s : running) {
        s.cache = decoder.newCache(manager, s.capacity);
        chunks.add(new LlamaDecoder.Chunk(s.cache, s.promptEmbeddings, s.promptTokens));
      }
      logits = decoder.forward(step, chunks, false);
    } catch (RuntimeException e) {
      LOG.error("prefill of {} sequences failed", running.size(), e);
      running.forEach(s -> fail(s, e));
      return;
    }
    int vocab = decoder.config().vocabSize();
    for (int j = 0; j < running.size(); j++) {
      Sequence s = running.get(j);
      FinishReason done;
      try {
        done = s.accept(s.sampler.next(logits, j * vocab));
      } catch (RuntimeException e) {
        fail(s, e);
        continue;
      }
      if (done != null) {
        complete(s, done);
      } else {
        active.add(s);
      }
    }
    activeCount.set(active.size());
  }

  private void decodeStep() {
    for (Iterator<Sequence> it = active.iterator(); it.hasNext(); ) {
      Sequence s = it.next();
      if (s.shouldStop()) {
        it.remove();
        complete(s, FinishReason.CANCELLED);
      }
    }
    if (active.isEmpty()) {
      return;
    }
    List<LlamaDecoder.Chunk> chunks = new ArrayList<>(active.size());
    for (Sequence s : active) {
      chunks.add(new LlamaDecoder.Chunk(s.cache, decoder.embed(new int[] {s.lastToken}), 1));
    }
    float[] logits;
    try (NDManager step = manager.newSubManager()) {
      logits = decoder.forward(step, chunks, false);
    } catch (RuntimeException e) {
      LOG.error("decode step failed for a batch of {}", active.size(), e);
      for (Sequence s : active) {
        fail(s, e);
      }
      active.clear();
      return;
    }
    int vocab = decoder.config().vocabSize();
    for (int i = 0, j = 0; i < active.size(); j++) {
      Sequence s = active.get(i);
      FinishReason done;
      try {
        done = s.accept(s.sampler.next(logits, j * vocab));
      } catch (RuntimeException e) {
        active.remove(i);
        fail(s, e);
        continue;
      }
      if (done != null) {
        active.remove(i);
        complete(s, done);
      } else {
        i++;
      }
    }
  }

  private void complete(Sequence s, FinishReason reason) {
    GenerationResult result;
    try {
      result = s.finish(reason);
    } catch (RuntimeException e) {
      fail(s, e);
      return;
    }
    // Release first: a caller that sees the result also sees the memory returned.
    release(s);
    s.result.complete(result);
  }

  private void fail(Sequence s, Throwable t) {
    release(s);
    s.result.completeExceptionally(t);
  }

  private void release(Sequence s) {
    if (s.cache != null) {
      s.cache.close();
      s.cache = null;
    }
    kvBytes.addAndGet(-s.reservedBytes);
  }

  private void failAll(RuntimeException e) {
    active.forEach(s -> fail(s, e));
    active.clear();
    lock.lock();
    try {
      pending.forEach(s -> s.result.completeExceptionally(e));
      pending.clear();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      work.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
