package dev.assistant.gateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.Image;
import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Turn;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;

/**
 * Maps the page's JSON for a new turn to the header of a Converse call. Only the shape is checked
 * here (types, base64, known fields); what the values may be is the API's business, so the page
 * gets exactly the refusals a gRPC client would.
 *
 * <pre>{@code
 * {"prompt": "What is this?",
 *  "image": {"data": "<base64>", "mime_type": "image/png"},
 *  "audio": {"sample_rate": 48000},            // absent: no audio follows
 *  "options": {"language": "en", "voice": "kevin16", "max_tokens": 64, "spectrogram": true,
 *              "history": [{"role": "user", "text": "..."}]}}
 * }</pre>
 *
 * Audio that follows is raw PCM16, mono, little-endian: what an AudioWorklet gives after Int16
 * conversion, and what the API takes without any container.
 */
final class TurnRequests {
  private static final Set<String> TOP_LEVEL = Set.of("prompt", "image", "audio", "options");
  private static final Set<String> OPTIONS =
      Set.of(
          "language",
          "voice",
          "max_tokens",
          "temperature",
          "seed",
          "spectrogram",
          "skip_speech",
          "speaking_rate",
          "system_prompt",
          "history");

  private TurnRequests() {}

  static ConverseHeader header(byte[] body) {
    JsonNode root;
    try {
      root = EventJson.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "the turn is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new HttpError(400, "the turn could not be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new HttpError(400, "the turn must be a JSON object");
    }
    onlyKnown(root, TOP_LEVEL, "");
    ConverseHeader.Builder h = ConverseHeader.newBuilder().setPrompt(text(root, "prompt", ""));
    JsonNode image = root.get("image");
    if (image != null && !image.isNull()) {
      onlyKnown(image, Set.of("data", "mime_type"), "image.");
      h.setImage(
          Image.newBuilder()
              .setData(ByteString.copyFrom(base64(image, "data")))
              .setMimeType(text(image, "mime_type", "")));
    }
    JsonNode audio = root.get("audio");
    if (audio == null || audio.isNull()) {
      h.setNoAudio(true);
    } else {
      onlyKnown(audio, Set.of("sample_rate"), "audio.");
      h.setAudioEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
          .setSampleRate(integer(audio, "sample_rate", 0))
          .setChannels(1);
    }
    h.setOptions(options(root.get("options")));
    return h.build();
  }

  private static RequestOptions options(JsonNode o) {
    // Raw PCM plays with no decoder in the page; the spectrogram is part of what it shows.
    RequestOptions.Builder b =
        RequestOptions.newBuilder()
            .setOutputFormat(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16)
            .setSpectrogram(true);
    if (o == null || o.isNull()) {
      return b.build();
    }
    onlyKnown(o, OPTIONS, "options.");
    b.setLanguage(text(o, "language", ""))
        .setVoice(text(o, "voice", ""))
        .setMaxTokens(integer(o, "max_tokens", 0))
        .setTemperature((float) number(o, "temperature", 0))
        .setSpeakingRate((float) number(o, "speaking_rate", 0))
        .setSystemPrompt(text(o, "system_prompt", ""))
        .setSkipSpeech(bool(o, "skip_speech", false))
        .setSpectrogram(bool(o, "spectrogram", true));
    JsonNode seed = o.get("seed");
    if (seed != null && !seed.isNull()) {
      if (!seed.canConvertToLong() || !seed.isIntegralNumber()) {
        throw new HttpError(400, "options.seed must be an integer");
      }
      b.setSeed(seed.asLong());
    }
    JsonNode history = o.get("history");
    if (history != null && !history.isNull()) {
      if (!history.isArray()) {
        throw new HttpError(400, "options.history must be an array of {role, text}");
      }
      for (JsonNode turn : history) {
        onlyKnown(turn, Set.of("role", "text"), "options.history[].");
        b.addHistory(
            Turn.newBuilder().setRole(text(turn, "role", "")).setText(text(turn, "text", "")));
      }
    }
    return b.build();
  }

  private static void onlyKnown(JsonNode node, Set<String> known, String prefix) {
    if (!node.isObject()) {
      throw new HttpError(
          400, prefix.isEmpty() ? "expected an object" : prefix + " must be an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new HttpError(400, "unknown field '" + prefix + name + "'; known: " + known);
      }
    }
  }

  private static String text(JsonNode node, String field, String dflt) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isTextual()) {
      throw new HttpError(400, field + " must be a string");
    }
    return v.textValue();
  }

  private static int integer(JsonNode node, String field, int dflt) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new HttpError(400, field + " must be an integer");
    }
    return v.intValue();
  }

  private static double number(JsonNode node, String field, double dflt) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber()) {
      throw new HttpError(400, field + " must be a number");
    }
    return v.doubleValue();
  }

  private static boolean bool(JsonNode node, String field, boolean dflt) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw new HttpError(400, field + " must be true or false");
    }
    return v.booleanValue();
  }

  private static byte[] base64(JsonNode node, String field) {
    String s = text(node, field, "");
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, "image.data is not base64: " + e.getMessage());
    }
  }
}
