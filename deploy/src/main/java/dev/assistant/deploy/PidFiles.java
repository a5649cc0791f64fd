package dev.assistant.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * One PID file per process in a folder, so that a later command can find (and stop or restart) what
 * an earlier one started, and a second launcher refuses to start over a running one. Beside a PID
 * file, a {@code <name>.ready} file holds the PID once that process is ready, so that another shell
 * can tell when a restarted process is back.
 */
final class PidFiles {
  private static final String SUFFIX = ".pid";
  private static final String START = "start=";

  private final Path dir;

  PidFiles(Path dir) {
    this.dir = dir;
  }

  Path file(String name) {
    return dir.resolve(name + SUFFIX);
  }

  private Path readyFile(String name) {
    return dir.resolve(name + ".ready");
  }

  void write(String name, long pid) {
    writeAtomically(file(name), pid + "\n");
  }

  /**
   * Records a process with its start time, for a process whose command line carries no marker (the
   * launcher may be a test JVM): a PID reused by another process has another start time.
   */
  void writeWithStart(String name, ProcessHandle process) {
    writeAtomically(
        file(name),
        process.pid()
            + "\n"
            + process.info().startInstant().map(i -> START + i.toEpochMilli() + "\n").orElse(""));
  }

  void markReady(String name, long pid) {
    writeAtomically(readyFile(name), pid + "\n");
  }

  void clearReady(String name) {
    delete(readyFile(name));
  }

  /** The PID recorded as ready under {@code name}. */
  OptionalLong readyPid(String name) {
    return readPid(readyFile(name));
  }

  /** The PID recorded under {@code name}, alive or not. */
  OptionalLong pid(String name) {
    return readPid(file(name));
  }

  void remove(String name) {
    delete(file(name));
    delete(readyFile(name));
  }

  /** The names that have a PID file, sorted. */
  List<String> names() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(SUFFIX))
          .map(n -> n.substring(0, n.length() - SUFFIX.length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /**
   * The live process recorded under {@code name}, when its command line mentions {@code marker}
   * ({@code null}: no marker to check) and its start time is the recorded one, if any (a PID may
   * have been reused by an unrelated process since). A stale file is removed.
   */
  Optional<ProcessHandle> live(String name, String marker) {
    Path f = file(name);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    List<String> lines;
    long pid;
    try {
      lines = Files.readAllLines(f, StandardCharsets.US_ASCII);
      pid = Long.parseLong(lines.get(0).trim());
    } catch (IOException | RuntimeException e) {
      remove(name);
      return Optional.empty();
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (handle.isPresent() && sameStart(handle.get(), lines) && hasMarker(handle.get(), marker)) {
      return handle;
    }
    remove(name);
    return Optional.empty();
  }

  private static boolean hasMarker(ProcessHandle h, String marker) {
    Optional<String> commandLine = h.info().commandLine();
    return marker == null || commandLine.isEmpty() || commandLine.get().contains(marker);
  }

  private static boolean sameStart(ProcessHandle h, List<String> lines) {
    Optional<Instant> actual = h.info().startInstant();
    return lines.stream()
        .filter(l -> l.startsWith(START))
        .findFirst()
        .map(
            l ->
                actual.isEmpty()
                    || l.substring(START.length())
                        .trim()
                        .equals(Long.toString(actual.get().toEpochMilli())))
        .orElse(true);
  }

  private static OptionalLong readPid(Path f) {
    try {
      List<String> lines = Files.readAllLines(f, StandardCharsets.US_ASCII);
      return lines.isEmpty()
          ? OptionalLong.empty()
          : OptionalLong.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Readers in another process never see a half-written file. */
  private void writeAtomically(Path target, String content) {
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      Files.move(
          tmp,
          target,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  private static void delete(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + f, e);
    }
  }
}
