package dev.assistant.gateway.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The page itself: files under {@code web/} on the classpath. Everything the page needs is served
 * here (no CDN, no external fonts), and the content security policy keeps it that way: a browser
 * refuses any script, style or connection to another origin.
 */
final class StaticFiles implements HttpHandler {
  /** Flat names only: nothing outside {@code web/} can be asked for. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|js|css|svg)");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml");

  static final String CSP =
      "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
          + "connect-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
          + "base-uri 'none'; frame-ancestors 'none'";

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        throw new HttpError(405, "only GET serves files");
      }
      String path = exchange.getRequestURI().getPath();
      String name = path.equals("/") ? "index.html" : path.substring(1);
      if (!NAME.matcher(name).matches()) {
        throw new HttpError(404, "no such file: " + path);
      }
      byte[] body;
      try (InputStream in = StaticFiles.class.getResourceAsStream("/web/" + name)) {
        if (in == null) {
          throw new HttpError(404, "no such file: " + path);
        }
        body = in.readAllBytes();
      }
      String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
      exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      if (method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
      } else {
        Bodies.send(exchange, 200, type, body);
      }
    } catch (HttpError e) {
      Bodies.send(exchange, e.status(), "text/plain; charset=utf-8", Bodies.utf8(e.getMessage()));
    }
  }
}
