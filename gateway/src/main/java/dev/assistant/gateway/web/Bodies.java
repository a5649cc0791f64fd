package dev.assistant.gateway.web;

import com.sun.net.httpserver.HttpExchange;
import dev.assistant.gateway.http.RequestBodies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Reading request bodies under a limit, and writing small JSON or text answers. */
final class Bodies {
  private Bodies() {}

  /** The whole body, refused with 413 past {@code limit} bytes (nothing more is read then). */
  static byte[] read(HttpExchange exchange, long limit) throws IOException {
    return RequestBodies.read(
        exchange,
        limit,
        declared -> new HttpError(400, "Content-Length is not a number"),
        () -> new HttpError(413, "the request body exceeds the limit of " + limit + " bytes"));
  }

  static void json(HttpExchange exchange, int status, Object value) throws IOException {
    send(exchange, status, "application/json", EventJson.MAPPER.writeValueAsBytes(value));
  }

  static void error(HttpExchange exchange, HttpError e) throws IOException {
    json(exchange, e.status(), java.util.Map.of("error", e.getMessage()));
  }

  static void noContent(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
  }

  static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
