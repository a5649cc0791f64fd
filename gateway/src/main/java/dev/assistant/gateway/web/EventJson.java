package dev.assistant.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Duration;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.Stage;
import dev.assistant.api.v1.StageTiming;
import io.grpc.Status;
import java.util.Base64;
import java.util.Locale;

/**
 * The page's view of an {@link Event}: one JSON object per event with a {@code type} named after
 * the event's payload, snake_case fields as in the proto, durations in milliseconds and bytes
 * (audio, PNG) in base64 — so a browser can use it without a protobuf library.
 */
final class EventJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private EventJson() {}

  /** The SSE event name of {@code e}: {@code transcript}, {@code answer_delta}, .... */
  static String type(Event e) {
    return e.getPayloadCase().name().toLowerCase(Locale.ROOT);
  }

  static ObjectNode of(Event e) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("type", type(e));
    o.put("request_id", e.getRequestId());
    o.put("sequence", e.getSequence());
    o.put("stage", stage(e.getStage()));
    switch (e.getPayloadCase()) {
      case ACCEPTED -> o.put("duplicate", e.getAccepted().getDuplicate());
      case TRANSCRIPT -> {
        var t = e.getTranscript();
        o.put("final", t.getFinal());
        o.put("text", t.getText());
        o.put("language", t.getLanguage());
        o.put("audio_seconds", t.getAudioSeconds());
      }
      case ANSWER_DELTA -> {
        o.put("text", e.getAnswerDelta().getText());
        o.put("token_count", e.getAnswerDelta().getTokenCount());
      }
      case ANSWER -> {
        var a = e.getAnswer();
        o.put("text", a.getText());
        o.put("finish_reason", a.getFinishReason());
        ObjectNode usage = o.putObject("usage");
        usage.put("prompt_tokens", a.getUsage().getPromptTokens());
        usage.put("completion_tokens", a.getUsage().getCompletionTokens());
        usage.put("time_to_first_token_ms", millis(a.getUsage().getTimeToFirstToken()));
        usage.put("tokens_per_second", a.getUsage().getTokensPerSecond());
      }
      case AUDIO -> {
        var c = e.getAudio();
        o.put("format", c.getFormat().name().replace("OUTPUT_AUDIO_FORMAT_", "").toLowerCase());
        o.put("sample_rate", c.getSampleRate());
        o.put("sentence_index", c.getSentenceIndex());
        o.put("chunk_index", c.getChunkIndex());
        o.put("last_in_sentence", c.getLastInSentence());
        o.put("last", c.getLast());
        o.put("text", c.getText());
        o.put("data", Base64.getEncoder().encodeToString(c.getData().toByteArray()));
      }
      case SPECTROGRAM -> {
        o.put("sentence_index", e.getSpectrogram().getSentenceIndex());
        o.put("png", Base64.getEncoder().encodeToString(e.getSpectrogram().getPng().toByteArray()));
      }
      case COMPLETED -> {
        ArrayNode timings = o.putArray("timings");
        for (StageTiming t : e.getCompleted().getTimingsList()) {
          ObjectNode row = timings.addObject();
          row.put("stage", stage(t.getStage()));
          row.put("queued_ms", millis(t.getQueued()));
          row.put("processing_ms", millis(t.getProcessing()));
        }
        o.put("total_ms", millis(e.getCompleted().getTotal()));
      }
      case ERROR -> {
        o.put("code", e.getError().getCode());
        o.put("code_name", Status.fromCodeValue(e.getError().getCode()).getCode().name());
        o.put("message", e.getError().getMessage());
        o.put("stage", stage(e.getError().getStage()));
      }
      case PAYLOAD_NOT_SET -> {}
    }
    return o;
  }

  /**
   * The error event of a call that the API ended without one (a request refused before it was
   * accepted, such as a malformed image): the page shows every failure the same way.
   */
  static ObjectNode callError(Status status) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("type", "error");
    o.put("code", status.getCode().value());
    o.put("code_name", status.getCode().name());
    o.put(
        "message",
        status.getDescription() == null ? status.getCode().name() : status.getDescription());
    o.put("stage", stage(Stage.STAGE_GATEWAY));
    return o;
  }

  static String stage(Stage s) {
    return s == Stage.STAGE_UNSPECIFIED || s == Stage.UNRECOGNIZED
        ? ""
        : s.name().substring("STAGE_".length()).toLowerCase(Locale.ROOT);
  }

  static double millis(Duration d) {
    return d.getSeconds() * 1000.0 + d.getNanos() / 1e6;
  }
}
