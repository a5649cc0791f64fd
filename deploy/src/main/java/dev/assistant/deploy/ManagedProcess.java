package dev.assistant.deploy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A child process with its output in a log file, stopped politely: SIGTERM, a grace period, then
 * SIGKILL.
 *
 * <p>Children run in their own session ({@code setsid}, where available) so that a Ctrl-C in the
 * launcher's terminal reaches only the launcher, which then stops them in a chosen order instead of
 * all of them dying at once. Thread-safe.
 */
public final class ManagedProcess implements AutoCloseable {
  private static final Path[] SETSID = {Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")};

  /**
   * A JVM argument naming a process's role. It goes first, because the command line the OS reports
   * for another process is cut at 4 KiB and a broker's classpath alone is longer.
   */
  static String roleFlag(String role) {
    return "-Ddev.assistant.role=" + role;
  }

  private final String name;
  private final Process process;
  private final Path logFile;
  private final Duration stopTimeout;

  private ManagedProcess(String name, Process process, Path logFile, Duration stopTimeout) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.stopTimeout = stopTimeout;
  }

  /**
   * Starts {@code command}, appending its stdout and stderr to {@code logFile}.
   *
   * @param environment variables to set ({@code null} value: remove the variable)
   */
  public static ManagedProcess start(
      String name,
      List<String> command,
      Path workDir,
      Path logFile,
      Map<String, String> environment,
      Duration stopTimeout) {
    List<String> full = new ArrayList<>();
    setsid().ifPresent(p -> full.add(p.toString()));
    full.addAll(command);
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      ProcessBuilder pb =
          new ProcessBuilder(full)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      environment.forEach(
          (k, v) -> {
            if (v == null) {
              pb.environment().remove(k);
            } else {
              pb.environment().put(k, v);
            }
          });
      Process process = pb.start();
      // Nothing is ever typed into a service; a closed stdin makes that explicit.
      process.getOutputStream().close();
      return new ManagedProcess(name, process, logFile, stopTimeout);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /** {@code setsid} when this system has it (util-linux); otherwise children share our group. */
  static Optional<Path> setsid() {
    for (Path p : SETSID) {
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  public String name() {
    return name;
  }

  /** Process ID ({@code setsid} execs in place, so this is the service JVM itself). */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Exit status, or empty while running. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  public Path logFile() {
    return logFile;
  }

  /** Waits for the process to end; returns false on timeout. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGTERM, wait up to the stop timeout, then SIGKILL. Returns the exit status. */
  public int stop() {
    stop(process.toHandle(), stopTimeout);
    return awaitProcess();
  }

  /** SIGKILL, as a crash or the OOM killer would; returns the exit status once it is gone. */
  public int kill() {
    process.destroyForcibly();
    return awaitProcess();
  }

  /**
   * The handle's exit and this object's exit status are completed separately: wait for the latter,
   * so that {@link #isAlive} is false once a stop or kill returns.
   */
  private int awaitProcess() {
    try {
      if (process.waitFor(10, TimeUnit.SECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  /**
   * Stops any process the same way (also used for processes started by an earlier run, known only
   * by their PID file). Returns true when it had to be killed.
   */
  static boolean stop(ProcessHandle handle, Duration grace) {
    if (!handle.isAlive()) {
      return false;
    }
    handle.destroy();
    if (awaitExit(handle, grace)) {
      return false;
    }
    handle.destroyForcibly();
    awaitExit(handle, Duration.ofSeconds(10));
    return true;
  }

  private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !handle.isAlive();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** The last lines of the log file (for error messages). */
  public String tail(int lines) {
    return tail(logFile, lines);
  }

  /** The last {@code lines} lines of a text file, or an empty string when it cannot be read. */
  static String tail(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      int window = (int) Math.min(length, 64 * 1024);
      byte[] buf = new byte[window];
      raf.seek(length - window);
      raf.readFully(buf);
      String text = new String(buf, StandardCharsets.UTF_8);
      String[] all = text.split("\r?\n");
      int from = Math.max(0, all.length - lines);
      return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
