package dev.assistant.gateway.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AudioInput;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Segment;
import dev.assistant.api.v1.SpeechTask;
import dev.assistant.api.v1.Transcript;
import io.grpc.Channel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /v1/audio/transcriptions} and {@code /v1/audio/translations}: an Ask with the
 * uploaded audio that runs the recognizer only ({@code skip_answer}, {@code skip_speech}), answered
 * as JSON, plain text, SRT, WebVTT or verbose JSON with segments, or streamed as server-sent events
 * while the recognizer works.
 */
final class TranscriptionEndpoint extends Endpoint {
  private static final Set<String> FORMATS = Set.of("json", "text", "srt", "vtt", "verbose_json");

  private final Channel api;
  private final boolean translate;

  TranscriptionEndpoint(OpenAiSettings settings, Channel api, boolean translate) {
    super(settings, "POST");
    this.api = api;
    this.translate = translate;
  }

  /** What the form asked for, checked. */
  record TranscriptionRequest(AskRequest ask, String format, boolean stream) {}

  @Override
  boolean serves(String path) {
    return path.equals(translate ? "/v1/audio/translations" : "/v1/audio/transcriptions");
  }

  @Override
  void serve(HttpExchange exchange) throws IOException {
    String boundary = MultipartForm.boundary(exchange.getRequestHeaders().getFirst("Content-Type"));
    TranscriptionRequest request =
        parse(MultipartForm.parse(body(exchange), boundary), settings().models(), translate);
    try (AskCall call = new AskCall(api, request.ask())) {
      if (request.stream()) {
        stream(exchange, call);
      } else {
        respond(exchange, request.format(), finalTranscript(call));
      }
    }
  }

  static TranscriptionRequest parse(MultipartForm form, ModelCatalog models, boolean translate) {
    MultipartForm.Part file =
        form.part("file")
            .orElseThrow(() -> ApiError.invalid("file", "file: an audio file is required"));
    if (file.data().length == 0) {
      throw ApiError.invalid("file", "file: the uploaded file is empty");
    }
    models.requireStt(form.text("model").orElse(""));
    String format = form.text("response_format").filter(s -> !s.isEmpty()).orElse("json");
    if (!FORMATS.contains(format)) {
      throw ApiError.invalid(
          "response_format",
          "response_format: '" + format + "' is not one of json, text, srt, vtt, verbose_json");
    }
    List<String> granularities = new ArrayList<>(form.texts("timestamp_granularities[]"));
    granularities.addAll(form.texts("timestamp_granularities"));
    for (String g : granularities) {
      if (g.equals("word")) {
        throw ApiError.invalid(
            "timestamp_granularities",
            "timestamp_granularities: 'word' is not available; the recognizer gives segments");
      }
      if (!g.equals("segment")) {
        throw ApiError.invalid(
            "timestamp_granularities", "timestamp_granularities: unknown value '" + g + "'");
      }
    }
    boolean stream = bool(form, "stream");
    if (stream && !format.equals("json") && !format.equals("text")) {
      throw ApiError.invalid(
          "stream", "stream: only the json and text formats can be streamed, not " + format);
    }
    RequestOptions.Builder options =
        RequestOptions.newBuilder()
            .setSkipAnswer(true)
            .setSkipSpeech(true)
            .setSpeechTask(
                translate ? SpeechTask.SPEECH_TASK_TRANSLATE : SpeechTask.SPEECH_TASK_TRANSCRIBE);
    form.text("language").filter(s -> !s.isEmpty()).ifPresent(options::setLanguage);
    form.text("prompt").filter(s -> !s.isEmpty()).ifPresent(options::setInitialPrompt);
    form.text("temperature")
        .filter(s -> !s.isEmpty())
        .ifPresent(t -> options.setSttTemperature((float) number("temperature", t, 0, 1)));
    AskRequest ask =
        AskRequest.newBuilder()
            .setOptions(options)
            .setAudio(AudioInput.newBuilder().setData(ByteString.copyFrom(file.data())))
            .build();
    return new TranscriptionRequest(ask, format, stream);
  }

  private static boolean bool(MultipartForm form, String field) {
    String v = form.text(field).orElse("false").toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true" -> true;
      case "false", "" -> false;
      default -> throw ApiError.invalid(field, field + ": must be true or false, got '" + v + "'");
    };
  }

  private static double number(String field, String value, double min, double max) {
    double d;
    try {
      d = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw ApiError.invalid(field, field + ": '" + value + "' is not a number");
    }
    if (Double.isNaN(d) || d < min || d > max) {
      throw ApiError.invalid(field, field + ": " + d + " is outside [" + min + ", " + max + "]");
    }
    return d;
  }

  private static Transcript finalTranscript(AskCall call) {
    Transcript last = null;
    for (Event e = call.next(); e != null; e = call.next()) {
      if (e.hasTranscript() && e.getTranscript().getFinal()) {
        last = e.getTranscript();
      }
    }
    if (last == null) {
      throw new ApiError(
          500,
          "server_error",
          "internal_error",
          null,
          "the request ended without a transcript",
          java.util.OptionalLong.empty());
    }
    return last;
  }

  private void respond(HttpExchange exchange, String format, Transcript t) throws IOException {
    switch (format) {
      case "text" -> sendText(exchange, "text/plain; charset=utf-8", t.getText() + "\n");
      case "srt" -> sendText(exchange, "application/x-subrip", Subtitles.srt(t.getSegmentsList()));
      case "vtt" ->
          sendText(exchange, "text/vtt; charset=utf-8", Subtitles.vtt(t.getSegmentsList()));
      case "verbose_json" -> sendJson(exchange, 200, verbose(t, translate));
      default -> sendJson(exchange, 200, JSON.createObjectNode().put("text", t.getText()));
    }
  }

  private static void sendText(HttpExchange exchange, String type, String text) throws IOException {
    send(exchange, 200, type, text.getBytes(StandardCharsets.UTF_8));
  }

  static ObjectNode verbose(Transcript t, boolean translate) {
    ObjectNode root =
        JSON.createObjectNode()
            .put("task", translate ? "translate" : "transcribe")
            .put("language", languageName(t.getLanguage()))
            .put("duration", t.getAudioSeconds())
            .put("text", t.getText());
    ArrayNode segments = root.putArray("segments");
    int id = 0;
    for (Segment s : t.getSegmentsList()) {
      segments
          .addObject()
          .put("id", id++)
          .put("start", Subtitles.seconds(s.getStart()))
          .put("end", Subtitles.seconds(s.getEnd()))
          .put("text", s.getText());
    }
    return root;
  }

  /** OpenAI names the language in English words ("english"); the recognizer gives ISO 639-1. */
  static String languageName(String code) {
    if (code.isEmpty()) {
      return "";
    }
    String name = Locale.forLanguageTag(code).getDisplayLanguage(Locale.ENGLISH);
    return (name.isEmpty() ? code : name).toLowerCase(Locale.ROOT);
  }

  /**
   * Server-sent events as OpenAI streams a transcription: {@code transcript.text.delta} with the
   * new text of each partial transcript, then {@code transcript.text.done} with the whole text.
   */
  private static void stream(HttpExchange exchange, AskCall call) throws IOException {
    Event first = call.firstOutput(); // errors before any output still get their status
    ServerSentEvents sse = ServerSentEvents.start(exchange);
    String sent = "";
    try {
      for (Event e = first; e != null; e = call.next()) {
        if (!e.hasTranscript()) {
          continue;
        }
        Transcript t = e.getTranscript();
        if (t.getText().startsWith(sent) && t.getText().length() > sent.length()) {
          String delta = t.getText().substring(sent.length());
          sse.data(
              JSON.createObjectNode().put("type", "transcript.text.delta").put("delta", delta));
          sent = t.getText();
        }
        if (t.getFinal()) {
          sse.data(
              JSON.createObjectNode().put("type", "transcript.text.done").put("text", t.getText()));
        }
      }
    } catch (ApiError e) {
      sse.error(e);
    }
  }
}
