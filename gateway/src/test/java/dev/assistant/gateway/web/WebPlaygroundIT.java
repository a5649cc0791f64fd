package dev.assistant.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assistant.api.v1.ConverseRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The playground's HTTP door on a real loopback port, in front of a stand-in API: routes, status
 * codes, limits, the event stream and the static files with their security policy.
 */
class WebPlaygroundIT {
  private FakeAssistant api;
  private WebPlayground web;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeEach
  void start() throws Exception {
    api = new FakeAssistant();
    web =
        WebPlayground.start(
            new WebSettings(
                true, "127.0.0.1", 0, 8, 4, 4096, Duration.ofSeconds(30), Duration.ofSeconds(1)),
            api.channel);
  }

  @AfterEach
  void stop() {
    web.close();
    api.close();
  }

  private HttpResponse<String> send(String method, String path, String type, byte[] body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(web.url()).resolve(path)).timeout(Duration.ofSeconds(20));
    if (type != null) {
      b.header("Content-Type", type);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postJson(String path, String json) throws Exception {
    return send("POST", path, "application/json", json.getBytes());
  }

  @Test
  void spokenTurnRoundTripsThroughTheApiAndStreamsItsEventsOnce() throws Exception {
    HttpResponse<String> started = postJson("/api/turns", "{\"audio\": {\"sample_rate\": 16000}}");
    assertEquals(201, started.statusCode(), started.body());
    JsonNode turn = EventJson.MAPPER.readTree(started.body());
    String base = "/api/turns/" + turn.get("turn").asText();

    assertEquals(204, send("POST", base + "/audio?seq=0", null, new byte[] {1, 0}).statusCode());
    HttpResponse<String> skipped = send("POST", base + "/audio?seq=2", null, new byte[2]);
    assertEquals(409, skipped.statusCode());
    assertTrue(skipped.body().contains("expected 1"), skipped.body());
    assertEquals(204, send("POST", base + "/end", null, null).statusCode());

    HttpResponse<String> events = send("GET", turn.get("events").asText(), null, null);
    assertEquals(200, events.statusCode());
    assertTrue(
        events.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    List<String> names =
        events
            .body()
            .lines()
            .filter(l -> l.startsWith("event: "))
            .map(l -> l.substring(7))
            .toList();
    assertEquals(List.of("accepted", "answer_delta", "completed", "end"), names, events.body());
    assertEquals(
        List.of(
            ConverseRequest.PartCase.HEADER,
            ConverseRequest.PartCase.AUDIO,
            ConverseRequest.PartCase.END),
        api.received.stream().map(ConverseRequest::getPartCase).toList());

    assertEquals(
        404, send("GET", turn.get("events").asText(), null, null).statusCode(), "read once");
    assertEquals(0, web.openTurns());
  }

  @Test
  void cancelCallsTheApisCancelWithTheRequestId() throws Exception {
    String id =
        EventJson.MAPPER
            .readTree(postJson("/api/turns", "{\"audio\": {\"sample_rate\": 16000}}").body())
            .get("turn")
            .asText();
    assertEquals(
        202,
        send("POST", "/api/turns/" + id + "/cancel", null, null).statusCode(),
        "not accepted yet");
    send("POST", "/api/turns/" + id + "/audio?seq=0", null, new byte[2]);
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (api.cancelled.isEmpty() && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertEquals(List.of("req-1"), api.cancelled, "sent once the request was accepted");
    HttpResponse<String> again = send("POST", "/api/turns/" + id + "/cancel", null, null);
    assertEquals(200, again.statusCode());
    assertEquals("req-1", EventJson.MAPPER.readTree(again.body()).get("request_id").asText());
  }

  @Test
  void refusalsCarryAStatusAndAReason() throws Exception {
    assertEquals(415, send("POST", "/api/turns", "text/plain", "{}".getBytes()).statusCode());
    HttpResponse<String> bad = postJson("/api/turns", "{\"prompt\": 1}");
    assertEquals(400, bad.statusCode());
    assertEquals(
        "prompt must be a string", EventJson.MAPPER.readTree(bad.body()).get("error").asText());
    HttpResponse<String> big = postJson("/api/turns", "{\"prompt\": \"" + "x".repeat(5000) + "\"}");
    assertEquals(413, big.statusCode());
    assertTrue(big.body().contains("limit of 4096 bytes"), big.body());
    assertEquals(
        404,
        send("POST", "/api/turns/00000000-0000-0000-0000-000000000000/end", null, null)
            .statusCode());
    assertEquals(405, send("GET", "/api/turns", null, null).statusCode());
  }

  @Test
  void openTurnsAreBounded() throws Exception {
    for (int i = 0; i < 4; i++) {
      assertEquals(
          201, postJson("/api/turns", "{\"audio\": {\"sample_rate\": 16000}}").statusCode());
    }
    HttpResponse<String> full = postJson("/api/turns", "{\"audio\": {\"sample_rate\": 16000}}");
    assertEquals(429, full.statusCode());
    assertTrue(full.body().contains("too many open turns"), full.body());
  }

  @Test
  void servesThePageWithASameOriginPolicyAndNothingOutsideIt() throws Exception {
    HttpResponse<String> page = send("GET", "/", null, null);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<script type=\"module\" src=\"app.js\">"));
    assertEquals(StaticFiles.CSP, page.headers().firstValue("Content-Security-Policy").orElse(""));
    for (String file : List.of("app.js", "spectrogram.js", "pcm-capture.js", "style.css")) {
      HttpResponse<String> r = send("GET", "/" + file, null, null);
      assertEquals(200, r.statusCode(), file);
      assertTrue(
          !r.body().contains("http://") && !r.body().contains("https://"),
          file + " loads nothing from elsewhere");
    }
    assertEquals(404, send("GET", "/../pom.xml", null, null).statusCode());
    assertEquals(404, send("GET", "/%2e%2e/web/index.html", null, null).statusCode());
    assertEquals(404, send("GET", "/dev/assistant/gateway/Gateway.class", null, null).statusCode());
  }
}
