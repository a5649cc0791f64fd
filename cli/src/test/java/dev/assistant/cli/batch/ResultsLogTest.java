package dev.assistant.cli.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.cli.status.CliException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsLogTest {
  @TempDir Path dir;

  @Test
  void concurrentAppendsAreWholeLinesEachOnce() throws Exception {
    int threads = 8;
    int perThread = 200;
    try (ResultsLog log = ResultsLog.open(dir)) {
      List<Thread> all = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * perThread;
        Thread th =
            new Thread(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    // Every other thread also tries an ID another thread writes.
                    String id = "i" + ((base + i) % (threads * perThread / 2));
                    try {
                      log.append(id, "{\"id\":\"" + id + "\",\"status\":\"ok\"}");
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  }
                });
        th.start();
        all.add(th);
      }
      for (Thread t : all) {
        t.join();
      }
    }
    List<String> lines = Files.readAllLines(dir.resolve(ResultsLog.FILE));
    assertEquals(threads * perThread / 2, lines.size());
    assertEquals(lines.size(), new java.util.HashSet<>(lines).size(), "no ID twice");
    for (String l : lines) {
      assertTrue(l.matches("\\{\"id\":\"i[0-9]+\",\"status\":\"ok\"}"), l);
    }
  }

  @Test
  void appendsEachIdOnceAcrossReopens() throws Exception {
    try (ResultsLog log = ResultsLog.open(dir)) {
      assertTrue(log.append("a", "{\"id\":\"a\",\"status\":\"ok\"}"));
      assertFalse(log.append("a", "{\"id\":\"a\",\"status\":\"ok\"}"));
      assertTrue(log.append("b", "{\"id\":\"b\",\"status\":\"error\"}"));
    }
    try (ResultsLog log = ResultsLog.open(dir)) {
      assertTrue(log.isDone("a"));
      assertTrue(log.isDone("b"));
      assertFalse(log.isDone("c"));
      assertEquals(1, log.failedBefore());
      assertFalse(log.append("b", "{\"id\":\"b\",\"status\":\"ok\"}"));
    }
    assertEquals(2, Files.readAllLines(dir.resolve(ResultsLog.FILE)).size());
  }

  @Test
  void cutsOffAPartialLastLineLeftByAKill() throws Exception {
    Files.writeString(
        dir.resolve(ResultsLog.FILE),
        "{\"id\":\"a\",\"status\":\"ok\"}\n{\"id\":\"b\",\"sta",
        StandardCharsets.UTF_8);
    try (ResultsLog log = ResultsLog.open(dir)) {
      assertTrue(log.repairedBytes() > 0);
      assertTrue(log.isDone("a"));
      assertFalse(log.isDone("b"));
      assertTrue(log.append("b", "{\"id\":\"b\",\"status\":\"ok\"}"));
    }
    assertEquals(
        List.of("{\"id\":\"a\",\"status\":\"ok\"}", "{\"id\":\"b\",\"status\":\"ok\"}"),
        Files.readAllLines(dir.resolve(ResultsLog.FILE)));
  }

  @Test
  void rewritesAFileThatHoldsAnIdTwice() throws Exception {
    Files.writeString(
        dir.resolve(ResultsLog.FILE),
        "{\"id\":\"a\",\"n\":1}\n{\"id\":\"b\"}\n{\"id\":\"a\",\"n\":2}\n",
        StandardCharsets.UTF_8);
    try (ResultsLog log = ResultsLog.open(dir)) {
      assertEquals(1, log.duplicatesRemoved());
    }
    assertEquals(
        List.of("{\"id\":\"a\",\"n\":1}", "{\"id\":\"b\"}"),
        Files.readAllLines(dir.resolve(ResultsLog.FILE)));
  }

  @Test
  void refusesASecondRunOnTheSameFolder() {
    try (ResultsLog log = ResultsLog.open(dir)) {
      CliException e = assertThrows(CliException.class, () -> ResultsLog.open(dir));
      assertTrue(e.getMessage().contains("another batch"));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void longSetHoldsManyValues() {
    LongSet s = new LongSet();
    for (long i = 0; i < 100_000; i++) {
      assertTrue(s.add(i * 7919));
    }
    assertFalse(s.add(0));
    assertTrue(s.contains(7919L * 99_999));
    assertFalse(s.contains(1));
    assertEquals(100_000, s.size());
  }
}
