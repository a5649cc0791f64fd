package dev.assistant.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * {@code run-local.sh restart} and {@code stop}, run from another shell while (or after) a launcher
 * runs. They talk to the launcher only through files in the run directory: its PID files, the
 * {@code <name>.ready} files its supervisors write, and a {@code control/<name>.restart} marker
 * that tells the supervisor that the SIGTERM which follows is a restart request (started again at
 * once, no back-off) rather than a crash.
 */
final class StackControl {
  private final StackOptions options;
  private final PidFiles pids;
  private final PrintStream out;

  StackControl(StackOptions options, PrintStream out) {
    this.options = options;
    this.pids = new PidFiles(options.pidDir());
    this.out = out;
  }

  /**
   * Restarts an instance ({@code llm-2}), the broker, or every instance of a service ({@code llm})
   * one after another, each once the previous one is ready again.
   */
  void restart(String target) {
    ProcessHandle launcher = runningLauncher();
    for (String name : resolve(target)) {
      restartOne(name, launcher);
    }
  }

  private ProcessHandle runningLauncher() {
    return pids.live(LocalStack.LAUNCHER, null)
        .orElseThrow(
            () ->
                new StackException(
                    "no launcher is running in "
                        + options.runDir()
                        + ", so nothing would start it again; start the stack with"
                        + " deploy/bin/run-local.sh"));
  }

  /** The instance names {@code target} means, in start order. */
  List<String> resolve(String target) {
    List<String> running =
        pids.names().stream().filter(n -> LocalStack.marker(n).isPresent()).toList();
    if (running.contains(target)) {
      return List.of(target);
    }
    Optional<StackService> stage =
        target.matches("[A-Za-z-]+") ? ServiceInstance.stageOf(target) : Optional.empty();
    List<String> ofStage =
        stage
            .map(
                s ->
                    running.stream()
                        .filter(n -> !n.equals(LocalStack.BROKER))
                        .filter(n -> ServiceInstance.stageOf(n).equals(Optional.of(s)))
                        .sorted(java.util.Comparator.comparingInt(ServiceInstance::indexOf))
                        .toList())
            .orElse(List.of());
    if (ofStage.isEmpty()) {
      throw new StackException(
          "nothing named '" + target + "' is running (running: " + running + ")");
    }
    return ofStage;
  }

  private void restartOne(String name, ProcessHandle launcher) {
    ProcessHandle old =
        pids.live(name, LocalStack.marker(name).orElseThrow())
            .orElseThrow(
                () ->
                    new StackException(
                        name
                            + " is not running right now (the launcher may be waiting to restart"
                            + " it; see its output)"));
    writeMarker(name);
    out.println("restarting " + name + " (pid " + old.pid() + ")");
    long t0 = System.nanoTime();
    ManagedProcess.stop(old, options.stopTimeout());
    long deadline = t0 + options.startTimeout().plus(options.stopTimeout()).toNanos();
    while (true) {
      OptionalLong ready = pids.readyPid(name);
      if (ready.isPresent()
          && ready.getAsLong() != old.pid()
          && ProcessHandle.of(ready.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
        out.printf(
            "%s is back (pid %d) after %.1f s%n",
            name, ready.getAsLong(), (System.nanoTime() - t0) / 1e9);
        return;
      }
      if (!launcher.isAlive()) {
        throw new StackException("the launcher exited while " + name + " was restarting");
      }
      if (System.nanoTime() > deadline) {
        throw new StackException(
            name
                + " was not ready again within "
                + options.startTimeout().plus(options.stopTimeout()).toSeconds()
                + " s; see "
                + options.logDir().resolve(name + ".log"));
      }
      sleep(200);
    }
  }

  private void writeMarker(String name) {
    Path marker = options.controlDir().resolve(name + ".restart");
    try {
      Files.createDirectories(marker.getParent());
      Files.writeString(
          marker,
          "requested by pid " + ProcessHandle.current().pid() + " at " + Instant.now() + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + marker, e);
    }
  }

  /**
   * Stops a running launcher (SIGTERM: it stops everything in order), then whatever a killed one
   * left behind. Returns how many processes were stopped, the launcher included.
   */
  int stop() {
    int stopped = 0;
    Optional<ProcessHandle> launcher =
        pids.live(LocalStack.LAUNCHER, null).filter(h -> h.pid() != ProcessHandle.current().pid());
    if (launcher.isPresent()) {
      ProcessHandle h = launcher.get();
      // The launcher stops its own processes; they count as stopped by this command too.
      stopped += liveProcesses();
      out.println("stopping the launcher (pid " + h.pid() + "), which stops everything in order");
      // It stops each process in turn, each allowed the stop timeout.
      Duration patience = options.stopTimeout().multipliedBy(pids.names().size() + 1L);
      h.destroy();
      if (!awaitExit(h, patience)) {
        out.println("the launcher did not stop within " + patience.toSeconds() + " s; killing it");
        h.destroyForcibly();
        awaitExit(h, Duration.ofSeconds(10));
      }
      stopped++;
      pids.remove(LocalStack.LAUNCHER);
    }
    return stopped + LocalStack.stopLeftovers(options, options.stopTimeout());
  }

  private int liveProcesses() {
    int n = 0;
    for (String name : pids.names()) {
      Optional<String> marker = LocalStack.marker(name);
      if (marker.isPresent() && pids.live(name, marker.get()).isPresent()) {
        n++;
      }
    }
    return n;
  }

  private static boolean awaitExit(ProcessHandle h, Duration timeout) {
    try {
      h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !h.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !h.isAlive();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted");
    }
  }
}
