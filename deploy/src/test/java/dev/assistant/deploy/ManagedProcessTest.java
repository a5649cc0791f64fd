package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedProcessTest {
  @TempDir Path dir;

  static void assumeShell() {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
  }

  @Test
  void logsOutputAndRemovesVariables() throws Exception {
    assumeShell();
    Path log = dir.resolve("logs/p.log");
    Map<String, String> env = new HashMap<>();
    env.put("HOME", null);
    env.put("GREETING", "hello");
    ManagedProcess p =
        ManagedProcess.start(
            "p",
            List.of("/bin/sh", "-c", "echo $GREETING; echo home=${HOME:-none}; exit 7"),
            dir,
            log,
            env,
            Duration.ofSeconds(5));
    assertTrue(p.waitFor(Duration.ofSeconds(30)));
    assertEquals(7, p.exitCode().orElseThrow());
    assertEquals("hello\nhome=none", p.tail(2));
  }

  @Test
  void aProcessIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
    assumeShell();
    ManagedProcess p =
        ManagedProcess.start(
            "stubborn",
            List.of("/bin/sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"),
            dir,
            dir.resolve("s.log"),
            Map.of(),
            Duration.ofMillis(500));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!p.tail(1).equals("ready") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long t0 = System.nanoTime();
    int code = p.stop();
    assertFalse(p.isAlive());
    assertEquals(137, code, "SIGKILL");
    assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(500).toNanos());
  }

  @Test
  void pidFilesIgnoreDeadAndUnrelatedProcesses() throws Exception {
    PidFiles pids = new PidFiles(dir);
    pids.write("me", ProcessHandle.current().pid());
    assertTrue(pids.live("me", "").isPresent());
    assertFalse(pids.live("me", "-Ddev.assistant.role=nothing-like-this").isPresent());
    assertFalse(Files.exists(pids.file("me")), "stale file removed");
    Files.writeString(pids.file("garbage"), "not a pid");
    assertFalse(pids.live("garbage", "").isPresent());
  }

  @Test
  void tailReadsTheLastLines() throws Exception {
    Path f = Files.writeString(dir.resolve("t.log"), "a\nb\nc\n");
    assertEquals("b\nc", ManagedProcess.tail(f, 2));
    assertEquals("", ManagedProcess.tail(dir.resolve("missing"), 2));
  }
}
