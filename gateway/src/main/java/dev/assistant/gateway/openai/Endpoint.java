package dev.assistant.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.assistant.gateway.http.RequestBodies;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every endpoint shares: the API key check, the body limit, JSON in and out, and turning any
 * failure into OpenAI's error shape. A failure after the response has begun (a stream already
 * sending) can no longer change the status; streams report those themselves.
 */
abstract class Endpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(Endpoint.class);
  static final ObjectMapper JSON = new ObjectMapper();

  private final OpenAiSettings settings;
  private final String method;

  Endpoint(OpenAiSettings settings, String method) {
    this.settings = settings;
    this.method = method;
  }

  /** Serves an authenticated request with the right method. */
  abstract void serve(HttpExchange exchange) throws IOException;

  /** Whether the path is this endpoint's (the server routes by prefix). */
  abstract boolean serves(String path);

  OpenAiSettings settings() {
    return settings;
  }

  @Override
  public final void handle(HttpExchange exchange) {
    try {
      try {
        authenticate(exchange, settings.apiKeys());
        if (!serves(exchange.getRequestURI().getPath())) {
          throw ApiError.notFound("no such endpoint: " + exchange.getRequestURI().getPath());
        }
        if (!exchange.getRequestMethod().equalsIgnoreCase(method)) {
          throw ApiError.methodNotAllowed(
              exchange.getRequestMethod(), exchange.getRequestURI().getPath());
        }
        serve(exchange);
      } catch (ApiError e) {
        sendError(exchange, e);
      } catch (StatusRuntimeException e) {
        sendError(exchange, GrpcErrors.from(e));
      } catch (IOException e) {
        // The client went away or sent a broken body; nothing more can be said to it.
        log.debug("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
      } catch (RuntimeException e) {
        log.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        sendError(
            exchange,
            new ApiError(
                500,
                "server_error",
                "internal_error",
                null,
                "internal error: " + e.getClass().getSimpleName(),
                java.util.OptionalLong.empty()));
      }
    } finally {
      exchange.close();
    }
  }

  static void authenticate(HttpExchange exchange, List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiError.unauthorized("Missing API key: send it as 'Authorization: Bearer <key>'");
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (String key : keys) {
      // Constant time per key, so response timing does not reveal a key's prefix.
      match |= MessageDigest.isEqual(given, key.getBytes(StandardCharsets.UTF_8));
    }
    if (!match) {
      throw ApiError.unauthorized("Incorrect API key provided");
    }
  }

  /** The whole body, refused with 413 beyond the limit (by its declared length when it has one). */
  byte[] body(HttpExchange exchange) throws IOException {
    long limit = settings.maxBodyBytes();
    return RequestBodies.read(
        exchange,
        limit,
        declared -> ApiError.invalid(null, "Content-Length '" + declared + "' is not a number"),
        () -> tooLarge(limit));
  }

  private static ApiError tooLarge(long limit) {
    return ApiError.tooLarge("request body exceeds the limit of " + limit + " bytes");
  }

  /** The body as a JSON object. */
  JsonNode jsonBody(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw ApiError.invalid(null, "Content-Type must be application/json, got '" + type + "'");
    }
    byte[] body = body(exchange);
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw ApiError.invalid(
          null, "body is not valid JSON: " + e.getOriginalMessage().replaceAll("\\s+", " "));
    }
    if (node == null || !node.isObject()) {
      throw ApiError.invalid(null, "body must be a JSON object");
    }
    return node;
  }

  static void sendJson(HttpExchange exchange, int status, Object value) throws IOException {
    send(exchange, status, "application/json", JSON.writeValueAsBytes(value));
  }

  static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static void sendError(HttpExchange exchange, ApiError e) {
    if (exchange.getResponseCode() != -1) {
      return; // the response began; a stream reports its own failure
    }
    try {
      e.retryAfterMs()
          .ifPresent(
              ms -> {
                exchange.getResponseHeaders().set("retry-after-ms", Long.toString(ms));
                exchange
                    .getResponseHeaders()
                    .set("retry-after", Long.toString(Math.max(1, (ms + 999) / 1000)));
              });
      sendJson(exchange, e.status(), e.toJson());
    } catch (IOException io) {
      log.debug("could not send error {}: {}", e.status(), io.toString());
    }
  }

  // --- small JSON field readers with errors that name the field -------------------------------

  static String optionalString(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiError.invalid(field, field + ": must be a string");
    }
    return v.asText();
  }

  static Double optionalNumber(JsonNode body, String field, double min, double max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw ApiError.invalid(field, field + ": must be a number");
    }
    double d = v.asDouble();
    if (Double.isNaN(d) || d < min || d > max) {
      throw ApiError.invalid(field, field + ": " + d + " is outside [" + min + ", " + max + "]");
    }
    return d;
  }

  static Long optionalInteger(JsonNode body, String field, long min, long max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber()) {
      throw ApiError.invalid(field, field + ": must be an integer");
    }
    long l = v.asLong();
    if (l < min || l > max) {
      throw ApiError.invalid(field, field + ": " + l + " is outside [" + min + ", " + max + "]");
    }
    return l;
  }

  static boolean optionalBoolean(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw ApiError.invalid(field, field + ": must be true or false");
    }
    return v.asBoolean();
  }
}
