package dev.assistant.tts.audio;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes packets into Ogg pages (RFC 3533): page header, lacing values and the Ogg CRC-32
 * (polynomial 0x04C11DB7, not reflected, initial value 0). Not thread-safe; one per stream.
 */
final class OggPageWriter {
  private static final int[] CRC_TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int r = i << 24;
      for (int k = 0; k < 8; k++) {
        r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
      }
      CRC_TABLE[i] = r;
    }
  }

  /** Header type flags. */
  static final int CONTINUED = 0x01;

  static final int BEGIN_OF_STREAM = 0x02;
  static final int END_OF_STREAM = 0x04;

  /** Lacing values a page can hold. */
  static final int MAX_SEGMENTS = 255;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final int serial;
  private int sequence;
  private final List<byte[]> packets = new ArrayList<>();
  private int segments;

  OggPageWriter(int serial) {
    this.serial = serial;
  }

  /** Lacing values a packet needs: one per full 255 bytes plus a terminating one. */
  static int segmentsOf(byte[] packet) {
    return packet.length / 255 + 1;
  }

  /** True when {@code packet} still fits on the current page. */
  boolean fits(byte[] packet) {
    return segments + segmentsOf(packet) <= MAX_SEGMENTS;
  }

  /** Adds a whole packet to the current page; call {@link #flush} first when it does not fit. */
  void add(byte[] packet) {
    if (!fits(packet)) {
      throw new IllegalStateException("packet does not fit on the page");
    }
    packets.add(packet);
    segments += segmentsOf(packet);
  }

  boolean isEmpty() {
    return packets.isEmpty();
  }

  /** Writes the pending packets as one page ending at {@code granule}. */
  void flush(long granule, int flags) {
    ByteArrayOutputStream page = new ByteArrayOutputStream();
    page.writeBytes(new byte[] {'O', 'g', 'g', 'S', 0, (byte) flags});
    writeLe(page, granule, 8);
    writeLe(page, serial, 4);
    writeLe(page, sequence++, 4);
    writeLe(page, 0, 4); // CRC, filled in below
    page.write(segments);
    for (byte[] p : packets) {
      for (int n = p.length; ; n -= 255) {
        page.write(Math.min(n, 255));
        if (n < 255) {
          break;
        }
      }
    }
    packets.forEach(page::writeBytes);
    byte[] bytes = page.toByteArray();
    int crc = crc(bytes);
    bytes[22] = (byte) crc;
    bytes[23] = (byte) (crc >>> 8);
    bytes[24] = (byte) (crc >>> 16);
    bytes[25] = (byte) (crc >>> 24);
    out.writeBytes(bytes);
    packets.clear();
    segments = 0;
  }

  /** The pages written since the previous call, which are then forgotten. */
  byte[] drain() {
    byte[] pages = out.toByteArray();
    out.reset();
    return pages;
  }

  static int crc(byte[] bytes) {
    int crc = 0;
    for (byte b : bytes) {
      crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff];
    }
    return crc;
  }

  private static void writeLe(ByteArrayOutputStream out, long value, int bytes) {
    for (int i = 0; i < bytes; i++) {
      out.write((int) (value >>> (8 * i)) & 0xff);
    }
  }
}
