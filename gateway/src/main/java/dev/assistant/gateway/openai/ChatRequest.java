package dev.assistant.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.AudioInput;
import dev.assistant.api.v1.Image;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Turn;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A chat completion request mapped onto an Ask. System and developer messages become the system
 * prompt; earlier user and assistant turns the history; the last message (a user's) the prompt,
 * with its image (a data: URL) and its speech ({@code input_audio}, which runs the recognizer
 * first). The answer is never spoken here.
 *
 * @param ask the request for the gateway
 * @param model the model named
 * @param stream whether to stream server-sent events
 * @param includeUsage whether a streamed response ends with a usage chunk
 * @param stops strings that end the answer where they first appear (not included)
 */
record ChatRequest(
    AskRequest ask, String model, boolean stream, boolean includeUsage, List<String> stops) {

  static ChatRequest parse(JsonNode body) {
    String model = Endpoint.optionalString(body, "model");
    for (String unsupported : List.of("tools", "functions", "audio", "prediction")) {
      JsonNode v = body.get(unsupported);
      if (v != null && !v.isNull() && !(v.isArray() && v.isEmpty())) {
        throw ApiError.invalid(unsupported, unsupported + ": not supported by this server");
      }
    }
    Long n = Endpoint.optionalInteger(body, "n", 1, Integer.MAX_VALUE);
    if (n != null && n != 1) {
      throw ApiError.invalid("n", "n: only one choice per request is supported");
    }
    JsonNode format = body.get("response_format");
    if (format != null && !format.isNull() && !"text".equals(format.path("type").asText())) {
      throw ApiError.invalid(
          "response_format", "response_format: only {\"type\": \"text\"} is supported");
    }
    RequestOptions.Builder options = RequestOptions.newBuilder().setSkipSpeech(true);
    Long maxTokens = Endpoint.optionalInteger(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
    if (maxTokens == null) {
      maxTokens = Endpoint.optionalInteger(body, "max_tokens", 1, Integer.MAX_VALUE);
    }
    if (maxTokens != null) {
      options.setMaxTokens(maxTokens.intValue());
    }
    Double temperature = Endpoint.optionalNumber(body, "temperature", 0, 2);
    if (temperature != null) {
      options.setTemperature(temperature.floatValue());
    }
    Double topP = Endpoint.optionalNumber(body, "top_p", 0, 1);
    if (topP != null) {
      options.setTopP(topP.floatValue());
    }
    Long seed = Endpoint.optionalInteger(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
    if (seed != null) {
      options.setSeed(seed);
    }
    boolean stream = Endpoint.optionalBoolean(body, "stream");
    JsonNode streamOptions = body.get("stream_options");
    boolean includeUsage =
        streamOptions != null
            && streamOptions.isObject()
            && Endpoint.optionalBoolean(streamOptions, "include_usage");
    AskRequest.Builder ask = AskRequest.newBuilder();
    messages(body.get("messages"), options, ask);
    ask.setOptions(options);
    return new ChatRequest(ask.build(), model, stream, includeUsage, stops(body.get("stop")));
  }

  private static List<String> stops(JsonNode stop) {
    List<String> stops = new ArrayList<>();
    if (stop == null || stop.isNull()) {
      return stops;
    }
    if (stop.isTextual()) {
      stops.add(stop.asText());
    } else if (stop.isArray() && stop.size() <= 4) {
      for (JsonNode s : stop) {
        if (!s.isTextual()) {
          throw ApiError.invalid("stop", "stop: must be a string or up to 4 strings");
        }
        stops.add(s.asText());
      }
    } else {
      throw ApiError.invalid("stop", "stop: must be a string or up to 4 strings");
    }
    stops.removeIf(String::isEmpty);
    return stops;
  }

  private static void messages(
      JsonNode messages, RequestOptions.Builder options, AskRequest.Builder ask) {
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw ApiError.invalid("messages", "messages: a non-empty array is required");
    }
    List<String> system = new ArrayList<>();
    int last = messages.size() - 1;
    for (int i = 0; i <= last; i++) {
      JsonNode m = messages.get(i);
      String param = "messages[" + i + "]";
      String role = m.path("role").asText("");
      switch (role) {
        case "system", "developer" -> system.add(text(m.get("content"), param));
        case "assistant" -> {
          if (i == last) {
            throw ApiError.invalid(
                "messages", "messages: the last message must be the user's, not the assistant's");
          }
          options.addHistory(
              Turn.newBuilder().setRole("assistant").setText(text(m.get("content"), param)));
        }
        case "user" -> {
          if (i == last) {
            lastUserMessage(m.get("content"), param, ask);
          } else {
            options.addHistory(
                Turn.newBuilder().setRole("user").setText(text(m.get("content"), param)));
          }
        }
        default ->
            throw ApiError.invalid(
                param + ".role",
                param
                    + ".role: '"
                    + role
                    + "' is not supported (system, developer, user and assistant are)");
      }
    }
    if (!messages.get(last).path("role").asText().equals("user")) {
      throw ApiError.invalid("messages", "messages: the last message must be the user's");
    }
    if (!system.isEmpty()) {
      options.setSystemPrompt(String.join("\n\n", system));
    }
  }

  /** Text of an earlier message: a string or text parts only (one image per request, the last). */
  private static String text(JsonNode content, String param) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      throw ApiError.invalid(param + ".content", param + ".content: must be a string or an array");
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : content) {
      String type = part.path("type").asText("");
      if (!type.equals("text")) {
        throw ApiError.invalid(
            param + ".content",
            param
                + ".content: a '"
                + type
                + "' part is only accepted in the last user message (the model sees one image"
                + " and one recording per request)");
      }
      text.append(part.path("text").asText(""));
    }
    return text.toString();
  }

  private static void lastUserMessage(JsonNode content, String param, AskRequest.Builder ask) {
    if (content == null || content.isNull()) {
      throw ApiError.invalid(param + ".content", param + ".content: is required");
    }
    if (content.isTextual()) {
      ask.setPrompt(content.asText());
      return;
    }
    if (!content.isArray()) {
      throw ApiError.invalid(param + ".content", param + ".content: must be a string or an array");
    }
    StringBuilder prompt = new StringBuilder();
    for (int p = 0; p < content.size(); p++) {
      JsonNode part = content.get(p);
      String partParam = param + ".content[" + p + "]";
      switch (part.path("type").asText("")) {
        case "text" -> {
          if (prompt.length() > 0) {
            prompt.append('\n');
          }
          prompt.append(part.path("text").asText(""));
        }
        case "image_url" -> {
          if (ask.hasImage()) {
            throw ApiError.invalid(partParam, partParam + ": only one image per request");
          }
          JsonNode url = part.path("image_url");
          DataUrl image =
              DataUrl.image(
                  url.isTextual() ? url.asText() : url.path("url").asText(""),
                  partParam + ".image_url");
          ask.setImage(
              Image.newBuilder()
                  .setData(ByteString.copyFrom(image.data()))
                  .setMimeType(image.mimeType()));
        }
        case "input_audio" -> {
          if (ask.hasAudio()) {
            throw ApiError.invalid(partParam, partParam + ": only one recording per request");
          }
          ask.setAudio(audio(part.path("input_audio"), partParam + ".input_audio"));
        }
        default ->
            throw ApiError.invalid(
                partParam + ".type",
                partParam
                    + ".type: '"
                    + part.path("type").asText("")
                    + "' is not supported (text, image_url and input_audio are)");
      }
    }
    ask.setPrompt(prompt.toString());
  }

  private static AudioInput audio(JsonNode audio, String param) {
    String format = audio.path("format").asText("").toLowerCase(Locale.ROOT);
    AudioEncoding encoding =
        switch (format) {
          case "wav" -> AudioEncoding.AUDIO_ENCODING_WAV;
          case "mp3" -> AudioEncoding.AUDIO_ENCODING_MP3;
          default ->
              throw ApiError.invalid(
                  param + ".format", param + ".format: must be wav or mp3, got '" + format + "'");
        };
    byte[] data;
    try {
      data = Base64.getDecoder().decode(audio.path("data").asText("").replaceAll("\\s+", ""));
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid(param + ".data", param + ".data: invalid base64: " + e.getMessage());
    }
    if (data.length == 0) {
      throw ApiError.invalid(param + ".data", param + ".data: is empty");
    }
    return AudioInput.newBuilder().setEncoding(encoding).setData(ByteString.copyFrom(data)).build();
  }
}
