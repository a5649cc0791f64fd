package dev.assistant.deploy.chart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a tar stream entry by entry (ustar, with PAX and GNU long names), enough to look into the
 * image tarballs Jib writes and their layers.
 */
final class TarEntries {
  record Entry(String name, int mode, long size, char type, String linkName) {
    boolean isDirectory() {
      return type == '5';
    }
  }

  interface Visitor {
    /** Called for each entry; may read up to {@code size} bytes of its content from {@code in}. */
    void visit(Entry entry, InputStream in) throws IOException;
  }

  private TarEntries() {}

  static void read(InputStream in, Visitor visitor) throws IOException {
    byte[] header = new byte[512];
    String longName = null;
    while (readFully(in, header)) {
      if (isZero(header)) {
        return;
      }
      String name = string(header, 0, 100);
      String prefix = string(header, 345, 155);
      if (!prefix.isEmpty() && header[257] == 'u') {
        name = prefix + "/" + name;
      }
      int mode = (int) octal(header, 100, 8);
      long size = octal(header, 124, 12);
      char type = (char) header[156];
      String link = string(header, 157, 100);
      long padded = (size + 511) / 512 * 512;
      if (type == 'x' || type == 'L') {
        byte[] data = in.readNBytes((int) size);
        skip(in, padded - size);
        longName = type == 'L' ? string(data, 0, data.length) : paxPath(data);
        continue;
      }
      if (longName != null) {
        name = longName;
        longName = null;
      }
      if (name.startsWith("./")) {
        name = name.substring(2);
      }
      BoundedInputStream content = new BoundedInputStream(in, size);
      visitor.visit(new Entry(name, mode, size, type, link), content);
      skip(in, content.remaining + padded - size);
    }
  }

  private static String paxPath(byte[] data) {
    String records = new String(data, StandardCharsets.UTF_8);
    for (String line : records.split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0 && line.startsWith("path=", space + 1)) {
        return line.substring(space + 1 + "path=".length());
      }
    }
    return null;
  }

  private static boolean readFully(InputStream in, byte[] b) throws IOException {
    int n = in.readNBytes(b, 0, b.length);
    return n == b.length;
  }

  private static void skip(InputStream in, long n) throws IOException {
    in.skipNBytes(n);
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String string(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] b, int off, int len) {
    String s = string(b, off, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }

  /** The content of one entry; what the visitor leaves unread is skipped afterwards. */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    long remaining;

    BoundedInputStream(InputStream in, long size) {
      this.in = in;
      this.remaining = size;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(buf, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public void close() {
      // the tar stream stays open
    }
  }
}
