package dev.assistant.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decoding holds the input and one output: the bytes the decoding thread allocates for a long WAV
 * stay within the size of the decoded output plus a fixed allowance (filter tables, block buffers),
 * whatever the length. Counted with the JVM's per-thread allocation counter, which is exact up to
 * TLAB granularity and does not depend on when the garbage collector runs.
 */
class DecoderMemoryTest {
  private static final long ALLOWANCE = 2L << 20;

  @ParameterizedTest
  @CsvSource({"44100,1", "16000,1", "48000,2"})
  void decodingAllocatesOneOutputAndLittleElse(int rate, int channels) throws Exception {
    com.sun.management.ThreadMXBean threads = allocationCounter();
    int seconds = 240;
    byte[] wav = longWav(rate, channels, seconds);
    AudioDecoder decoder = new AudioDecoder(16_000, AudioLimits.DEFAULT);
    decoder.decode(longWav(rate, channels, 1), null); // filter tables are built once and shared

    long before = threads.getCurrentThreadAllocatedBytes();
    DecodedAudio audio = decoder.decode(wav, null);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertEquals(seconds * 16_000, audio.samples().length);
    long output = 4L * audio.samples().length;
    assertTrue(
        allocated <= output + ALLOWANCE,
        "allocated "
            + allocated / 1e6
            + " MB to decode "
            + wav.length / 1e6
            + " MB into "
            + output / 1e6
            + " MB");
  }

  static com.sun.management.ThreadMXBean allocationCounter() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)
        || !t.isThreadAllocatedMemorySupported()) {
      Assumptions.abort("this JVM does not count allocated bytes per thread");
      throw new IllegalStateException();
    }
    t.setThreadAllocatedMemoryEnabled(true);
    return t;
  }

  /** A PCM16 WAV of a slow sweep, long enough for the output to dwarf any fixed buffer. */
  private static byte[] longWav(int rate, int channels, int seconds) {
    int frames = rate * seconds;
    ByteBuffer b = ByteBuffer.allocate(44 + frames * channels * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + frames * channels * 2).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels);
    b.putInt(rate).putInt(rate * channels * 2).putShort((short) (channels * 2));
    b.putShort((short) 16).put("data".getBytes()).putInt(frames * channels * 2);
    double phase = 0;
    for (int i = 0; i < frames; i++) {
      phase += 2 * Math.PI * (200 + 3000.0 * i / frames) / rate;
      short s = (short) (8000 * Math.sin(phase));
      for (int c = 0; c < channels; c++) {
        b.putShort(s);
      }
    }
    return b.array();
  }
}
