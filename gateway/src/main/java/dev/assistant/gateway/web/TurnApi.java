package dev.assistant.gateway.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.CancelRequest;
import dev.assistant.api.v1.CancelResponse;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The playground's HTTP API, a thin mapping onto the gateway's gRPC API:
 *
 * <ul>
 *   <li>{@code POST /api/turns} — JSON header (see {@link TurnRequests}); opens a Converse call;
 *       201 with {@code {"turn": id}}.
 *   <li>{@code POST /api/turns/{id}/audio?seq=N} — raw PCM16 bytes, chunk N from 0, in order.
 *   <li>{@code POST /api/turns/{id}/end} — no more audio.
 *   <li>{@code GET /api/turns/{id}/events} — server-sent events, one per API event (see {@link
 *       EventJson}), then {@code end}; 204 once the turn's end was delivered, which stops a
 *       browser's reconnecting.
 *   <li>{@code POST /api/turns/{id}/cancel} — the API's Cancel for the turn's request.
 * </ul>
 */
final class TurnApi implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(TurnApi.class);
  private static final Pattern PATH =
      Pattern.compile("/api/turns(?:/([0-9a-f-]{36})/(audio|end|events|cancel))?");
  private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(10);

  private final TurnRegistry turns;
  private final AssistantGrpc.AssistantBlockingStub api;
  private final WebSettings settings;

  TurnApi(TurnRegistry turns, AssistantGrpc.AssistantBlockingStub api, WebSettings settings) {
    this.turns = turns;
    this.api = api;
    this.settings = settings;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
      if (!m.matches()) {
        throw new HttpError(404, "no such resource: " + exchange.getRequestURI().getPath());
      }
      String method = exchange.getRequestMethod();
      if (m.group(1) == null) {
        requireMethod(method, "POST");
        startTurn(exchange);
        return;
      }
      Turn turn = turns.get(m.group(1));
      switch (m.group(2)) {
        case "audio" -> {
          requireMethod(method, "POST");
          long seq = seq(exchange.getRequestURI().getRawQuery());
          turn.audio(seq, Bodies.read(exchange, settings.maxBodyBytes()));
          Bodies.noContent(exchange);
        }
        case "end" -> {
          requireMethod(method, "POST");
          Bodies.read(exchange, settings.maxBodyBytes());
          turn.endAudio();
          Bodies.noContent(exchange);
        }
        case "cancel" -> {
          requireMethod(method, "POST");
          Bodies.read(exchange, settings.maxBodyBytes());
          cancel(exchange, turn);
        }
        case "events" -> {
          requireMethod(method, "GET");
          new EventStreamWriter(turn, turns, settings.keepAlive()).serve(exchange);
        }
        default -> throw new HttpError(404, "no such resource");
      }
    } catch (HttpError e) {
      Bodies.error(exchange, e);
    } catch (RuntimeException e) {
      log.warn(
          "web request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      Bodies.error(exchange, new HttpError(500, "internal error: " + e.getClass().getSimpleName()));
    }
  }

  private void startTurn(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      throw new HttpError(415, "a turn is sent as application/json");
    }
    byte[] body = Bodies.read(exchange, settings.maxBodyBytes());
    Turn turn = turns.start(TurnRequests.header(body));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("turn", turn.id());
    answer.put("events", "/api/turns/" + turn.id() + "/events");
    Bodies.json(exchange, 201, answer);
  }

  private void cancel(HttpExchange exchange, Turn turn) throws IOException {
    var known = turn.cancel();
    if (known.isEmpty()) {
      // Accepted has not arrived yet: the turn sends Cancel the moment it does.
      Bodies.json(exchange, 202, Map.of("pending", true));
      return;
    }
    try {
      CancelResponse r =
          api.withDeadlineAfter(CANCEL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .cancel(CancelRequest.newBuilder().setRequestId(known.get()).build());
      Bodies.json(
          exchange, 200, Map.of("request_id", r.getRequestId(), "was_running", r.getWasRunning()));
    } catch (StatusRuntimeException e) {
      throw HttpStatuses.error(e.getStatus());
    }
  }

  private static void requireMethod(String method, String wanted) {
    if (!method.equals(wanted)) {
      throw new HttpError(405, "use " + wanted);
    }
  }

  static long seq(String query) {
    if (query != null) {
      for (String part : query.split("&")) {
        if (part.startsWith("seq=")) {
          try {
            long seq = Long.parseLong(part.substring(4));
            if (seq >= 0) {
              return seq;
            }
          } catch (NumberFormatException e) {
            // fall through to the refusal
          }
        }
      }
    }
    throw new HttpError(400, "audio needs ?seq=N, the chunk's number from 0");
  }

  /** Writes a turn's events to one HTTP response until the call ends or the page goes away. */
  static final class EventStreamWriter {
    private final Turn turn;
    private final TurnRegistry turns;
    private final Duration keepAlive;

    EventStreamWriter(Turn turn, TurnRegistry turns, Duration keepAlive) {
      this.turn = turn;
      this.turns = turns;
      this.keepAlive = keepAlive;
    }

    void serve(HttpExchange exchange) throws IOException {
      if (turn.delivered()) {
        Bodies.noContent(exchange);
        return;
      }
      if (!turn.attachReader()) {
        throw new HttpError(409, "turn " + turn.id() + " is already being read");
      }
      try {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream body = exchange.getResponseBody()) {
          pump(new SseWriter(body));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        turn.detachReader();
        exchange.close();
      }
    }

    private void pump(SseWriter sse) throws IOException, InterruptedException {
      sse.comment("turn " + turn.id());
      while (true) {
        Turn.Item item = turn.next(keepAlive);
        if (item == null) {
          sse.comment("waiting");
          continue;
        }
        try {
          write(sse, item);
        } catch (IOException e) {
          turn.unread(item); // the page reconnects and gets it then
          throw e;
        }
        turn.sent(item);
        if (item instanceof Turn.EndItem) {
          turns.forget(turn);
          return;
        }
      }
    }

    static void write(SseWriter sse, Turn.Item item) throws IOException {
      if (item instanceof Turn.EventItem e) {
        sse.event(
            EventJson.type(e.event()),
            Long.toString(e.event().getSequence()),
            EventJson.MAPPER.writeValueAsString(EventJson.of(e.event())));
      } else if (item instanceof Turn.EndItem end) {
        if (!end.status().isOk() && !end.terminalSent()) {
          sse.event("error", null, EventJson.callError(end.status()).toString());
        }
        sse.event("end", null, "{\"status\":\"" + end.status().getCode().name() + "\"}");
      }
    }
  }
}
