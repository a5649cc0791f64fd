package dev.assistant.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.api.v1.RequestOptions;
import io.grpc.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /v1/audio/speech}: the input text spoken by the synthesizer alone (an Ask with {@code
 * speak_prompt}), streamed sentence by sentence as it is synthesized: WAV with a header for an
 * unknown length, raw PCM, or Ogg Opus (one Ogg stream per sentence, chained).
 */
final class SpeechEndpoint extends Endpoint {
  /** OpenAI's rate for pcm, kept for every format so clients can rely on it. */
  static final int SAMPLE_RATE = 24_000;

  /** OpenAI's built-in voice names: this server speaks them with its default voice. */
  static final Set<String> OPENAI_VOICES =
      Set.of(
          "alloy", "ash", "ballad", "cedar", "coral", "echo", "fable", "marin", "nova", "onyx",
          "sage", "shimmer", "verse");

  private final Channel api;

  SpeechEndpoint(OpenAiSettings settings, Channel api) {
    super(settings, "POST");
    this.api = api;
  }

  /** The format asked for and what the synthesizer is asked to produce for it. */
  enum Format {
    WAV("audio/wav", OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16),
    PCM("audio/pcm", OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16),
    OPUS("audio/ogg", OutputAudioFormat.OUTPUT_AUDIO_FORMAT_OGG);

    final String contentType;
    final OutputAudioFormat synthesized;

    Format(String contentType, OutputAudioFormat synthesized) {
      this.contentType = contentType;
      this.synthesized = synthesized;
    }
  }

  record SpeechRequest(AskRequest ask, Format format) {}

  static SpeechRequest parse(JsonNode body, ModelCatalog models) {
    models.requireTts(optionalString(body, "model"));
    String input = optionalString(body, "input");
    if (input == null || input.isBlank()) {
      throw ApiError.invalid("input", "input: the text to speak is required");
    }
    String formatName = optionalString(body, "response_format");
    Format format =
        switch (formatName == null ? "wav" : formatName.toLowerCase(Locale.ROOT)) {
          case "wav" -> Format.WAV;
          case "pcm" -> Format.PCM;
          case "opus" -> Format.OPUS;
          default ->
              throw ApiError.invalid(
                  "response_format",
                  "response_format: '" + formatName + "' is not supported; use wav, pcm or opus");
        };
    String streamFormat = optionalString(body, "stream_format");
    if (streamFormat != null && !streamFormat.equals("audio")) {
      throw ApiError.invalid("stream_format", "stream_format: only 'audio' is supported");
    }
    RequestOptions.Builder options =
        RequestOptions.newBuilder()
            .setSpeakPrompt(true)
            .setOutputFormat(format.synthesized)
            .setOutputSampleRate(SAMPLE_RATE);
    String voice = optionalString(body, "voice");
    if (voice == null) {
      JsonNode v = body.get("voice");
      if (v != null && v.isObject()) {
        voice = v.path("id").asText(null);
      }
    }
    if (voice != null && !OPENAI_VOICES.contains(voice.toLowerCase(Locale.ROOT))) {
      options.setVoice(voice);
    }
    Double speed = optionalNumber(body, "speed", 0.25, 4.0);
    if (speed != null) {
      options.setSpeakingRate(speed.floatValue());
    }
    return new SpeechRequest(
        AskRequest.newBuilder().setPrompt(input).setOptions(options).build(), format);
  }

  @Override
  boolean serves(String path) {
    return path.equals("/v1/audio/speech");
  }

  @Override
  void serve(HttpExchange exchange) throws IOException {
    SpeechRequest request = parse(jsonBody(exchange), settings().models());
    try (AskCall call = new AskCall(api, request.ask())) {
      Event first = call.firstOutput(); // an unknown voice still gets its 400
      exchange.getResponseHeaders().set("Content-Type", request.format().contentType);
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      if (request.format() == Format.WAV) {
        out.write(WavHeader.streaming(SAMPLE_RATE));
      }
      try {
        for (Event e = first; e != null; e = call.next()) {
          if (e.hasAudio() && !e.getAudio().getData().isEmpty()) {
            e.getAudio().getData().writeTo(out);
            out.flush();
          }
        }
      } catch (ApiError e) {
        // The status is sent; ending the body early is all that is left. The log says why.
        org.slf4j.LoggerFactory.getLogger(SpeechEndpoint.class)
            .warn("speech {} ended early: {}", call.requestId(), e.getMessage());
      }
      out.close();
    }
  }
}
