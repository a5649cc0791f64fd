package dev.assistant.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One PID file per process in a folder, so that a later command can find (and stop) what an earlier
 * one started, and a second launcher refuses to start over a running one.
 */
final class PidFiles {
  private final Path dir;

  PidFiles(Path dir) {
    this.dir = dir;
  }

  Path file(String name) {
    return dir.resolve(name + ".pid");
  }

  void write(String name, long pid) {
    try {
      Files.createDirectories(dir);
      Files.writeString(file(name), pid + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file(name), e);
    }
  }

  void remove(String name) {
    try {
      Files.deleteIfExists(file(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file(name), e);
    }
  }

  /**
   * The live process recorded under {@code name}, when its command line mentions {@code marker} (a
   * PID may have been reused by an unrelated process since). A stale file is removed.
   */
  Optional<ProcessHandle> live(String name, String marker) {
    Path f = file(name);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(f, StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      remove(name);
      return Optional.empty();
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (handle.isPresent()) {
      Optional<String> commandLine = handle.get().info().commandLine();
      if (commandLine.isEmpty() || commandLine.get().contains(marker)) {
        return handle;
      }
    }
    remove(name);
    return Optional.empty();
  }
}
