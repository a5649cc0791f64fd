package dev.assistant.llm.quant;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Persistent worker threads that split a range of rows into chunks. A decode step calls a
 * matrix-vector product hundreds of times per token, each lasting tens to hundreds of microseconds,
 * so dispatch must cost far less than that: workers spin briefly after each job (so back-to-back
 * calls find them awake) and only then park. The calling thread works on the job too and claims
 * chunks from the same counter, so a worker that is slow to wake (or descheduled on a busy machine)
 * costs at most the chunks it already claimed.
 *
 * <p>Thread-safety: {@link #run} may be called from any thread. One job runs at a time; a caller
 * that finds the pool busy runs its whole range on its own thread rather than waiting.
 */
final class KernelPool implements AutoCloseable {

  /** Work on rows {@code [start, end)}. */
  @FunctionalInterface
  interface RangeTask {
    void run(int start, int end);
  }

  /** How long an idle worker spins before parking; a park/unpark round trip costs ~20-50 µs. */
  private static final long SPIN_NANOS = 200_000;

  private final Worker[] workers;
  private final AtomicBoolean busy = new AtomicBoolean();
  private volatile Job current;
  private volatile boolean closed;

  KernelPool(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    workers = new Worker[parallelism - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker("quant-kernel-" + (i + 1));
      workers[i].start();
    }
  }

  /** Threads that work on one job, the caller included. */
  int parallelism() {
    return workers.length + 1;
  }

  /** Runs {@code task} over {@code [0, total)} split into {@code chunks} nearly equal ranges. */
  void run(int total, int chunks, RangeTask task) {
    if (chunks <= 1 || workers.length == 0 || closed || !busy.compareAndSet(false, true)) {
      task.run(0, total);
      return;
    }
    try {
      Job job = new Job(task, total, chunks);
      current = job;
      for (Worker worker : workers) {
        if (worker.parked) {
          LockSupport.unpark(worker);
        }
      }
      job.work();
      job.awaitDone();
      Throwable failure = job.failure;
      if (failure instanceof RuntimeException e) {
        throw e;
      } else if (failure instanceof Error e) {
        throw e;
      } else if (failure != null) {
        throw new IllegalStateException(failure);
      }
    } finally {
      busy.set(false);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Worker worker : workers) {
      LockSupport.unpark(worker);
    }
  }

  private static final class Job {
    private final RangeTask task;
    private final int total;
    private final int chunks;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private volatile Throwable failure;

    Job(RangeTask task, int total, int chunks) {
      this.task = task;
      this.total = total;
      this.chunks = chunks;
    }

    void work() {
      int chunk;
      while ((chunk = next.getAndIncrement()) < chunks) {
        try {
          // long arithmetic: total * chunk may exceed int range for big matrices
          int start = (int) ((long) total * chunk / chunks);
          int end = (int) ((long) total * (chunk + 1) / chunks);
          task.run(start, end);
        } catch (Throwable t) {
          failure = t;
        } finally {
          done.incrementAndGet();
        }
      }
    }

    void awaitDone() {
      int spins = 0;
      while (done.get() < chunks) {
        if (++spins < 10_000) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }
  }

  private final class Worker extends Thread {
    volatile boolean parked;

    Worker(String name) {
      super(name);
      setDaemon(true);
    }

    @Override
    public void run() {
      Job last = null;
      long idleSince = System.nanoTime();
      while (!closed) {
        Job job = current;
        if (job != null && job != last) {
          last = job;
          job.work();
          idleSince = System.nanoTime();
        } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          parked = true;
          // Re-check after publishing `parked`: a dispatcher that set `current` before seeing
          // parked == true will not unpark us, so we must see its job here.
          if (current == last && !closed) {
            LockSupport.park(this);
          }
          parked = false;
        }
      }
    }
  }
}
