package dev.assistant.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assistant.api.v1.AnswerDelta;
import dev.assistant.api.v1.Event;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseWriterTest {
  @Test
  void multiLineDataBecomesOneDataLineEach() {
    String frame =
        new String(SseWriter.encode("answer_delta", "7", "a\nb\r\nc"), StandardCharsets.UTF_8);
    assertEquals("event: answer_delta\nid: 7\ndata: a\ndata: b\ndata: c\n\n", frame);
  }

  @Test
  void namesAndIdsCannotBreakTheFrame() {
    String frame = new String(SseWriter.encode("x\ny", "1\n2", "{}"), StandardCharsets.UTF_8);
    assertEquals("event: x y\nid: 1 2\ndata: {}\n\n", frame);
  }

  @Test
  void eventThenEndAreWrittenAsFramesWithJson() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SseWriter sse = new SseWriter(out);
    Event delta =
        Event.newBuilder()
            .setRequestId("r")
            .setSequence(3)
            .setAnswerDelta(AnswerDelta.newBuilder().setText("Hé\nllo").setTokenCount(2))
            .build();
    TurnApi.EventStreamWriter.write(sse, new Turn.EventItem(delta));
    TurnApi.EventStreamWriter.write(sse, new Turn.EndItem(Status.OK, true));
    String[] frames = out.toString(StandardCharsets.UTF_8).split("\n\n");
    assertEquals(2, frames.length);
    assertTrue(frames[0].startsWith("event: answer_delta\nid: 3\ndata: "), frames[0]);
    JsonNode json = EventJson.MAPPER.readTree(frames[0].substring(frames[0].indexOf("data: ") + 6));
    assertEquals("Hé\nllo", json.get("text").asText(), "the line break is escaped inside JSON");
    assertEquals("event: end\ndata: {\"status\":\"OK\"}", frames[1]);
  }

  @Test
  void aCallRefusedWithoutAnErrorEventGetsOneFromItsStatus() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TurnApi.EventStreamWriter.write(
        new SseWriter(out),
        new Turn.EndItem(Status.INVALID_ARGUMENT.withDescription("image: not a PNG"), false));
    String[] frames = out.toString(StandardCharsets.UTF_8).split("\n\n");
    assertEquals(2, frames.length, out.toString(StandardCharsets.UTF_8));
    JsonNode error =
        EventJson.MAPPER.readTree(frames[0].substring(frames[0].indexOf("data: ") + 6));
    assertEquals("INVALID_ARGUMENT", error.get("code_name").asText());
    assertEquals(3, error.get("code").asInt());
    assertEquals("image: not a PNG", error.get("message").asText());
    assertTrue(frames[1].contains("INVALID_ARGUMENT"));
  }

  @Test
  void anErrorEventAlreadySentIsNotRepeated() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TurnApi.EventStreamWriter.write(
        new SseWriter(out), new Turn.EndItem(Status.CANCELLED.withDescription("x"), true));
    assertEquals(
        "event: end\ndata: {\"status\":\"CANCELLED\"}\n\n", out.toString(StandardCharsets.UTF_8));
  }
}
