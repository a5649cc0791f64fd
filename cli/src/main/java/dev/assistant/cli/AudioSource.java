package dev.assistant.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.sound.sampled.TargetDataLine;

/** Where {@code converse} takes its audio chunks from. */
interface AudioSource extends AutoCloseable {
  /** The next chunk, or null at the end. */
  byte[] next() throws IOException, InterruptedException;

  @Override
  void close() throws IOException;

  /** A file read in fixed chunks, optionally one chunk per interval (real-time pacing). */
  final class Paced implements AudioSource {
    private final InputStream in;
    private final int chunkBytes;
    private final long intervalNanos;
    private long nextAt = System.nanoTime();

    Paced(InputStream in, int chunkBytes, long intervalNanos) {
      this.in = in;
      this.chunkBytes = chunkBytes;
      this.intervalNanos = intervalNanos;
    }

    @Override
    public byte[] next() throws IOException, InterruptedException {
      if (intervalNanos > 0) {
        long wait = nextAt - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        nextAt += intervalNanos;
      }
      byte[] b = in.readNBytes(chunkBytes);
      return b.length == 0 ? null : b;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** The capture line, for a fixed number of bytes. */
  final class Microphone implements AudioSource {
    private final TargetDataLine line;
    private final int chunkBytes;
    private long remaining;

    Microphone(TargetDataLine line, int chunkBytes, long totalBytes) {
      this.line = line;
      this.chunkBytes = chunkBytes;
      this.remaining = totalBytes;
    }

    @Override
    public byte[] next() {
      if (remaining <= 0) {
        return null;
      }
      byte[] b = new byte[(int) Math.min(chunkBytes, remaining)];
      int n = line.read(b, 0, b.length - b.length % 2);
      remaining -= n;
      return n <= 0 ? null : Arrays.copyOf(b, n);
    }

    @Override
    public void close() {
      line.stop();
      line.close();
    }
  }
}
