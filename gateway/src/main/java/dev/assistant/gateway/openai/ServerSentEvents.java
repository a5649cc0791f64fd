package dev.assistant.gateway.openai;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A {@code text/event-stream} response: one {@code data:} line per event, each flushed at once (the
 * JDK server then sends it as one HTTP chunk), so a client sees every token as it comes.
 */
final class ServerSentEvents {
  private final OutputStream out;

  private ServerSentEvents(OutputStream out) {
    this.out = out;
  }

  /** Sends 200 with the event-stream headers; the body is chunked. */
  static ServerSentEvents start(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    return new ServerSentEvents(exchange.getResponseBody());
  }

  void data(Object json) throws IOException {
    write("data: " + Endpoint.JSON.writeValueAsString(json) + "\n\n");
  }

  /** The end marker of chat completion streams. */
  void done() throws IOException {
    write("data: [DONE]\n\n");
  }

  /** A failure after the stream began: the status is already 200, so it travels as an event. */
  void error(ApiError e) throws IOException {
    data(e.toJson());
  }

  private void write(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
