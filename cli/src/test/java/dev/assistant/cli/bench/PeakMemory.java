package dev.assistant.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak resident memory of a running process, from {@code /proc/PID/status}: {@code VmHWM} is the
 * kernel's own high-water mark of the resident set, so sampling it now and then loses no peak
 * between samples, only what happens after the last one (the process exiting).
 */
final class PeakMemory {
  private PeakMemory() {}

  /** VmHWM in KiB, or -1 once the process is gone. */
  static long highWaterKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Waits for the process, sampling its peak every 100 ms; returns the last peak seen (KiB). */
  static long watch(Process p) throws InterruptedException {
    long peak = -1;
    while (p.isAlive()) {
      long v = highWaterKib(p.pid());
      if (v > 0) {
        peak = Math.max(peak, v);
      }
      Thread.sleep(100);
    }
    return peak;
  }
}
