package dev.assistant.cli.output;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes 16-bit mono PCM into a WAV file as it arrives. The header's sizes are rewritten after
 * every chunk, so the file is a complete, playable WAV at every moment (a player can open it while
 * the answer is still being spoken, and an interrupted run leaves a valid file).
 */
public final class WavFileWriter implements AutoCloseable {
  private static final int HEADER_BYTES = 44;

  private final Path path;
  private final RandomAccessFile file;
  private int sampleRate;
  private long dataBytes;

  public WavFileWriter(Path path) throws IOException {
    this.path = path;
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.file = new RandomAccessFile(path.toFile(), "rw");
    file.setLength(0);
  }

  /** Appends little-endian PCM16 mono samples at {@code rate} Hz. */
  public void append(byte[] pcm16, int rate) throws IOException {
    if (sampleRate == 0) {
      sampleRate = rate;
      file.write(header(rate, 0));
    } else if (rate != sampleRate) {
      throw new IOException(
          "audio changed sample rate mid-answer (" + sampleRate + " Hz, then " + rate + " Hz)");
    }
    file.seek(HEADER_BYTES + dataBytes);
    file.write(pcm16);
    dataBytes += pcm16.length;
    file.seek(0);
    file.write(header(sampleRate, dataBytes));
  }

  public long dataBytes() {
    return dataBytes;
  }

  public int sampleRate() {
    return sampleRate;
  }

  /** Seconds of audio written so far. */
  public double seconds() {
    return sampleRate == 0 ? 0 : dataBytes / 2.0 / sampleRate;
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    file.close();
  }

  static byte[] header(int rate, long dataBytes) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt((int) (36 + dataBytes));
    b.put(new byte[] {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '}).putInt(16);
    b.putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2);
    b.putShort((short) 2).putShort((short) 16);
    b.put(new byte[] {'d', 'a', 't', 'a'}).putInt((int) dataBytes);
    return b.array();
  }
}
