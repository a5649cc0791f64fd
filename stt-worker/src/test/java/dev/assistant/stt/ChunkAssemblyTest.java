package dev.assistant.stt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.api.v1.RequestOptions;
import dev.assistant.internal.v1.AudioChunkRecord;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Assembling a request's chunks makes exactly one copy of the input, of the exact size. */
class ChunkAssemblyTest {
  @Test
  void joinsChunksIntoOneExactCopy() throws Exception {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
        || !threads.isThreadAllocatedMemorySupported()) {
      Assumptions.abort("this JVM does not count allocated bytes per thread");
      return;
    }
    threads.setThreadAllocatedMemoryEnabled(true);
    byte[] input = new byte[20_000_017];
    new Random(5).nextBytes(input);
    List<AudioChunkRecord> records =
        SttHandlerTest.chunks("m", input, 64 * 1024, RequestOptions.getDefaultInstance());

    long before = threads.getCurrentThreadAllocatedBytes();
    SttHandler.ChunkAssembly assembly =
        new SttHandler.ChunkAssembly(records.get(0), Long.MAX_VALUE);
    for (AudioChunkRecord r : records.subList(1, records.size())) {
      assembly.append(r);
    }
    byte[] joined = assembly.bytes();
    byte[] again = assembly.bytes();
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertArrayEquals(input, joined);
    assertSame(joined, again, "a retry of the last chunk reuses the joined input");
    assertTrue(
        allocated <= input.length + (64 << 10),
        "allocated " + allocated + " bytes to assemble " + input.length + " bytes");
  }
}
