package dev.assistant.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@code .properties} files that {@link java.util.Properties#load(java.io.InputStream)}
 * reads back exactly: sorted keys (diffable), no timestamp, ISO-8859-1-safe escapes.
 */
final class PropertiesFile {
  private PropertiesFile() {}

  static void write(Path file, String header, Map<String, String> values) {
    StringBuilder sb = new StringBuilder();
    for (String line : header.split("\n")) {
      sb.append("# ").append(line).append('\n');
    }
    new TreeMap<>(values)
        .forEach(
            (k, v) -> sb.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, sb.toString(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static String escape(String s, boolean key) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\f' -> out.append("\\f");
        case '=', ':', '#', '!' -> {
          if (key || i == 0) {
            out.append('\\');
          }
          out.append(c);
        }
        case ' ' -> {
          if (key || i == 0) {
            out.append('\\');
          }
          out.append(c);
        }
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
