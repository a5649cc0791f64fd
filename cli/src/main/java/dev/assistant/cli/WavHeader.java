package dev.assistant.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads the byte rate of a RIFF/WAVE header (to pace a file at real time). */
final class WavHeader {
  private WavHeader() {}

  /** Bytes per second from the fmt chunk, or -1 when {@code head} does not start a WAV file. */
  static int byteRate(byte[] head, int length) {
    if (length < 36
        || head[0] != 'R'
        || head[1] != 'I'
        || head[2] != 'F'
        || head[3] != 'F'
        || head[8] != 'W'
        || head[9] != 'A'
        || head[10] != 'V'
        || head[11] != 'E') {
      return -1;
    }
    ByteBuffer b = ByteBuffer.wrap(head, 0, length).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 12;
    while (pos + 8 <= length) {
      int size = b.getInt(pos + 4);
      if (head[pos] == 'f'
          && head[pos + 1] == 'm'
          && head[pos + 2] == 't'
          && head[pos + 3] == ' ') {
        return pos + 16 <= length ? b.getInt(pos + 16) : -1;
      }
      pos += 8 + size + (size & 1);
    }
    return -1;
  }
}
