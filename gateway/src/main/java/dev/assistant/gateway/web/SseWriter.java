package dev.assistant.gateway.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events on a streamed HTTP response: each event is flushed at once, so the page sees a
 * token the moment the API delivers it.
 *
 * <p>Not thread-safe: one writer per response.
 */
final class SseWriter {
  private final OutputStream out;

  SseWriter(OutputStream out) {
    this.out = out;
  }

  /** Writes one event; {@code data} may span lines (each becomes its own {@code data:} line). */
  void event(String name, String id, String data) throws IOException {
    out.write(encode(name, id, data));
    out.flush();
  }

  /** A comment line: keeps a quiet stream alive and tells the server when the page went away. */
  void comment(String text) throws IOException {
    out.write((": " + oneLine(text) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  static byte[] encode(String name, String id, String data) {
    StringBuilder b = new StringBuilder(data.length() + 64);
    if (name != null) {
      b.append("event: ").append(oneLine(name)).append('\n');
    }
    if (id != null) {
      b.append("id: ").append(oneLine(id)).append('\n');
    }
    // A line break inside a data field would end it; the SSE format joins data lines with "\n".
    for (String line : data.split("\r\n|\r|\n", -1)) {
      b.append("data: ").append(line).append('\n');
    }
    b.append('\n');
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String oneLine(String s) {
    return s.replaceAll("[\r\n]", " ");
  }
}
