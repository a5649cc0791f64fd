package dev.assistant.cli.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assistant.api.v1.Answer;
import dev.assistant.api.v1.Completed;
import dev.assistant.api.v1.Segment;
import dev.assistant.api.v1.StageTiming;
import dev.assistant.api.v1.Transcript;
import dev.assistant.cli.output.Durations;
import io.grpc.Status;
import java.time.Instant;

/** Builds the one line of {@code results.jsonl} an item gets. */
final class ResultJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode node = JSON.createObjectNode();

  ResultJson(PreparedItem p) {
    node.put("id", p.id());
    node.put("source", p.entry().source());
    BatchItem item = p.item();
    if (item != null) {
      ObjectNode in = node.putObject("input");
      if (item.audio() != null) {
        in.put("audio", item.audio().toString());
      }
      if (item.image() != null) {
        in.put("image", item.image().toString());
      }
      if (item.prompt() != null) {
        in.put("prompt", item.prompt());
      }
      if (item.referenceTranscript() != null) {
        node.put("reference_transcript", item.referenceTranscript());
      }
      if (item.referenceAnswer() != null) {
        node.put("reference_answer", item.referenceAnswer());
      }
      if (item.meta() != null && !item.meta().isEmpty()) {
        node.set("meta", item.meta());
      }
    }
    if (p.request() != null) {
      var o = p.request().getOptions();
      ObjectNode opts = node.putObject("options");
      if (!o.getLanguage().isEmpty()) {
        opts.put("language", o.getLanguage());
      }
      if (!o.getVoice().isEmpty()) {
        opts.put("voice", o.getVoice());
      }
      if (o.getMaxTokens() > 0) {
        opts.put("max_tokens", o.getMaxTokens());
      }
      if (o.getSkipSpeech()) {
        opts.put("skip_speech", true);
      }
    }
  }

  ResultJson duplicate(boolean d) {
    node.put("resubmitted", d);
    return this;
  }

  ResultJson transcript(Transcript t) {
    ObjectNode n = node.putObject("transcript");
    n.put("text", t.getText());
    n.put("language", t.getLanguage());
    n.put("audio_seconds", t.getAudioSeconds());
    ArrayNode segs = n.putArray("segments");
    for (Segment s : t.getSegmentsList()) {
      segs.addObject()
          .put("start_ms", Durations.millis(s.getStart()))
          .put("end_ms", Durations.millis(s.getEnd()))
          .put("text", s.getText());
    }
    return this;
  }

  ResultJson answer(Answer a) {
    node.put("answer", a.getText());
    node.put("finish_reason", a.getFinishReason());
    node.putObject("usage")
        .put("prompt_tokens", a.getUsage().getPromptTokens())
        .put("completion_tokens", a.getUsage().getCompletionTokens())
        .put("time_to_first_token_ms", Durations.millis(a.getUsage().getTimeToFirstToken()))
        .put("tokens_per_second", a.getUsage().getTokensPerSecond());
    return this;
  }

  ResultJson audioFile(String relative, double seconds) {
    node.put("audio_file", relative);
    node.put("audio_seconds", seconds);
    return this;
  }

  ResultJson completed(Completed c, long clientMillis) {
    node.put("status", "ok");
    timings(c, clientMillis);
    return this;
  }

  private void timings(Completed c, long clientMillis) {
    // When the terminal event was seen: orders the items on the run's time axis (latency over
    // time, throughput per interval) without the file's line order having to mean anything.
    node.put("finished_at", Instant.now().toString());
    ObjectNode t = node.putObject("timings");
    if (c != null) {
      for (StageTiming st : c.getTimingsList()) {
        t.putObject(Durations.stageName(st.getStage()))
            .put("queued_ms", Durations.millis(st.getQueued()))
            .put("model_ms", Durations.millis(st.getProcessing()));
      }
      t.put("total_ms", Durations.millis(c.getTotal()));
    }
    if (clientMillis >= 0) {
      t.put("client_ms", clientMillis);
    }
  }

  /** A failure reported by the server (error event or refused Submit). */
  ResultJson error(int code, String stage, String reason, long clientMillis) {
    node.put("status", "error");
    ObjectNode e = node.putObject("error");
    e.put("code", Status.fromCodeValue(code).getCode().name());
    e.put("code_number", code);
    if (stage != null) {
      e.put("stage", stage);
    }
    e.put("reason", reason);
    if (clientMillis >= 0) {
      timings(null, clientMillis);
    }
    return this;
  }

  /** A failure found before sending (unreadable manifest line, missing file). */
  ResultJson localError(String reason) {
    return error(Status.Code.INVALID_ARGUMENT.value(), "client", reason, -1);
  }

  boolean isOk() {
    return "ok".equals(node.path("status").asText());
  }

  double totalMillis() {
    return node.path("timings").path("total_ms").asDouble(-1);
  }

  String line() {
    return node.toString();
  }
}
