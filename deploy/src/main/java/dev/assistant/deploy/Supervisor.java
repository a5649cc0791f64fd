package dev.assistant.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one process (a service instance or the broker) running the way a cluster's controller
 * would: when it exits without being asked to stop, the exit is logged with the last lines of its
 * log and the process is started again after a growing delay ({@link RestartPolicy}); the other
 * processes are not touched. A restart that was asked for ({@link #restart}, or {@code run-local.sh
 * restart}, which leaves a marker file and sends SIGTERM) happens at once.
 *
 * <p>Each supervisor has one thread that waits for the process to end. Thread-safe.
 */
final class Supervisor {
  private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

  /** Starts one incarnation of the process. */
  interface Starter {
    /**
     * Launches the process, hands it to {@code launched} at once (so that it can be found and
     * killed while it starts) and returns when it is ready. When it exits, does not get ready in
     * time or {@code cancelled} says so, stops it and throws.
     *
     * @param restart 0 for the first start, then the restart number
     */
    ManagedProcess start(int restart, Consumer<ManagedProcess> launched, BooleanSupplier cancelled);
  }

  private final String name;
  private final Starter starter;
  private final RestartPolicy policy;
  private final PidFiles pids;
  private final Path restartMarker;
  private final Object lock = new Object();

  // Guarded by lock.
  private ManagedProcess current;
  private boolean ready;
  private boolean stopping;
  private boolean restartRequested;
  private int restarts;
  private long startedAtNanos;

  private Thread thread;
  private int attempt;

  /**
   * @param restartMarker a file whose presence, when the process exits, means that the exit was a
   *     requested restart
   */
  Supervisor(
      String name, Starter starter, RestartPolicy policy, PidFiles pids, Path restartMarker) {
    this.name = name;
    this.starter = starter;
    this.policy = policy;
    this.pids = pids;
    this.restartMarker = restartMarker;
  }

  String name() {
    return name;
  }

  /** Starts the process and waits until it is ready, then watches it. Throws when it fails. */
  void start() {
    ManagedProcess p = starter.start(0, this::launched, this::isStopping);
    markReady(p);
    thread = new Thread(this::supervise, "supervise-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void launched(ManagedProcess p) {
    synchronized (lock) {
      current = p;
      ready = false;
      startedAtNanos = System.nanoTime();
    }
    pids.write(name, p.pid());
  }

  private void markReady(ManagedProcess p) {
    synchronized (lock) {
      if (current != p || !p.isAlive()) {
        return;
      }
      ready = true;
      lock.notifyAll();
    }
    pids.markReady(name, p.pid());
  }

  private boolean isStopping() {
    synchronized (lock) {
      return stopping;
    }
  }

  private void supervise() {
    try {
      while (true) {
        ManagedProcess p;
        synchronized (lock) {
          p = current;
        }
        awaitExit(p);
        boolean requested;
        Duration uptime;
        synchronized (lock) {
          if (stopping) {
            return;
          }
          ready = false;
          requested = restartRequested || consumeMarker();
          restartRequested = false;
          uptime = Duration.ofNanos(System.nanoTime() - startedAtNanos);
        }
        pids.clearReady(name);
        if (requested) {
          log.info(
              "{} stopped for a restart (pid {}, exit status {})",
              name,
              p.pid(),
              p.exitCode().orElse(-1));
        } else {
          attempt = policy.nextAttempt(attempt, uptime);
          log.error(
              "{} exited unexpectedly (pid {}, exit status {}) after {}; last lines of {}:\n{}",
              name,
              p.pid(),
              p.exitCode().orElse(-1),
              RestartPolicy.describe(uptime),
              p.logFile(),
              p.tail(20));
        }
        if (!restartUntilReady(requested)) {
          return;
        }
      }
    } catch (RuntimeException e) {
      if (!isStopping()) {
        log.error("supervision of {} failed; it is no longer restarted", name, e);
      }
    }
  }

  /** Returns false when the launcher is stopping. */
  private boolean restartUntilReady(boolean requested) {
    while (true) {
      Duration delay = requested ? Duration.ZERO : policy.delay(attempt);
      int n;
      synchronized (lock) {
        n = ++restarts;
      }
      if (requested) {
        log.info("restarting {} on request", name);
      } else {
        log.warn("restarting {} (attempt {}) in {}", name, attempt, RestartPolicy.describe(delay));
      }
      if (!sleepUnlessStopping(delay)) {
        return false;
      }
      try {
        ManagedProcess p = starter.start(n, this::launched, this::isStopping);
        markReady(p);
        log.info("{} is back (pid {}; restarts so far: {})", name, p.pid(), n);
        return true;
      } catch (RuntimeException e) {
        if (isStopping()) {
          return false;
        }
        requested = false;
        attempt = policy.nextAttempt(attempt, Duration.ZERO);
        log.error("{} did not come back: {}", name, e.getMessage());
      }
    }
  }

  private void awaitExit(ManagedProcess p) {
    try {
      while (!p.waitFor(Duration.ofSeconds(1))) {
        if (isStopping()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // close() interrupts to end the wait; the stopping flag says what to do next.
    }
  }

  /** Waits out a back-off; a restart request or a stop ends it early. */
  private boolean sleepUnlessStopping(Duration delay) {
    long deadline = System.nanoTime() + delay.toNanos();
    synchronized (lock) {
      while (!stopping && !restartRequested) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          break;
        }
      }
      restartRequested = false;
      return !stopping;
    }
  }

  private boolean consumeMarker() {
    try {
      return Files.deleteIfExists(restartMarker);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + restartMarker, e);
    }
  }

  /** The current incarnation's PID, or -1 while none runs (between a crash and its restart). */
  long pid() {
    synchronized (lock) {
      return current != null && current.isAlive() ? current.pid() : -1;
    }
  }

  boolean isReady() {
    synchronized (lock) {
      return ready && current != null && current.isAlive();
    }
  }

  int restarts() {
    synchronized (lock) {
      return restarts;
    }
  }

  ManagedProcess process() {
    synchronized (lock) {
      return current;
    }
  }

  /**
   * Waits until the process runs and is ready; returns its PID. Called right after {@link #kill9}
   * or {@link #restart}, it waits for the next incarnation (those return once the old one is gone).
   */
  long awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!(ready && current != null && current.isAlive())) {
        if (stopping) {
          throw new StackException(name + " is stopping");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new StackException(
              name + " was not ready again within " + RestartPolicy.describe(timeout));
        }
        try {
          // Also polled: a process's death does not notify this lock.
          lock.wait(Math.max(1, Math.min(100, left / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StackException("interrupted while waiting for " + name);
        }
      }
      return current.pid();
    }
  }

  /** SIGKILL, as a crash would; returns once the process is gone, with its PID. */
  long kill9() {
    ManagedProcess p = runningOrThrow();
    p.kill();
    return p.pid();
  }

  /**
   * Stops the process gracefully (SIGTERM, then SIGKILL after the stop timeout) and has it started
   * again at once, without back-off. Returns once the old process is gone, with its PID.
   */
  long restart() {
    ManagedProcess p;
    synchronized (lock) {
      restartRequested = true;
      p = current;
      lock.notifyAll();
    }
    if (p == null || !p.isAlive()) {
      return -1;
    }
    p.stop();
    return p.pid();
  }

  private ManagedProcess runningOrThrow() {
    synchronized (lock) {
      if (current == null || !current.isAlive()) {
        throw new IllegalStateException(name + " is not running (waiting to be restarted)");
      }
      return current;
    }
  }

  /** No restarts from now on (the first step of stopping the stack: nothing comes back). */
  void stopSupervising() {
    synchronized (lock) {
      stopping = true;
      lock.notifyAll();
    }
    if (thread != null) {
      thread.interrupt();
    }
  }

  /**
   * Stops supervising and stops the process (SIGTERM, grace, SIGKILL). Returns its exit status, or
   * empty when none was running.
   */
  java.util.OptionalInt stop(Duration waitForSupervisor) {
    stopSupervising();
    if (thread != null && thread != Thread.currentThread()) {
      try {
        // A restart in progress stops the process it started when it sees the flag.
        thread.join(waitForSupervisor.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ManagedProcess p = process();
    java.util.OptionalInt code = java.util.OptionalInt.empty();
    if (p != null) {
      boolean wasAlive = p.isAlive();
      if (wasAlive) {
        log.info("stopping {} (pid {})", name, p.pid());
      }
      int c = p.stop();
      if (wasAlive) {
        log.info("{} stopped (exit status {})", name, c);
      }
      code = java.util.OptionalInt.of(c);
    }
    pids.remove(name);
    return code;
  }
}
