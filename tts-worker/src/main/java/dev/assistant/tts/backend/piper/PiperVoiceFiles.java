package dev.assistant.tts.backend.piper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assistant.tts.backend.VoiceInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Piper voice on disk ({@code name.onnx} + {@code name.onnx.json}), checked in Java before any
 * native code sees it: ONNX Runtime and piper's JSON reader abort or misbehave on malformed files,
 * so a missing or corrupt voice must be refused with a clear message at start.
 *
 * <p>Checks: both files exist; the JSON parses and has {@code audio.sample_rate} in [8000, 48000],
 * a non-empty {@code phoneme_id_map}, a known {@code phoneme_type}, a {@code num_speakers} of at
 * least 1 and, for espeak phonemes, an {@code espeak.voice}; the model is a protobuf {@code
 * ModelProto} whose top-level fields are well-formed up to the end of the file and include a graph.
 */
public record PiperVoiceFiles(Path model, Path config, VoiceInfo info, JsonNode json) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MIN_MODEL_BYTES = 64;

  /** Loads and validates the voice {@code name} in {@code dir}. */
  public static PiperVoiceFiles load(Path dir, String name) {
    Path model = dir.resolve(name + ".onnx");
    Path config = dir.resolve(name + ".onnx.json");
    if (!Files.isRegularFile(model)) {
      throw new IllegalStateException(
          "Piper voice '" + name + "': model file " + model + " is missing");
    }
    if (!Files.isRegularFile(config)) {
      throw new IllegalStateException(
          "Piper voice '" + name + "': config file " + config + " is missing");
    }
    JsonNode json;
    try {
      json = JSON.readTree(config.toFile());
    } catch (IOException e) {
      throw new IllegalStateException(
          "Piper voice '" + name + "': " + config + " is not valid JSON: " + e.getMessage(), e);
    }
    String problem = checkConfig(json);
    if (problem != null) {
      throw new IllegalStateException("Piper voice '" + name + "': " + config + ": " + problem);
    }
    problem = checkOnnx(model);
    if (problem != null) {
      throw new IllegalStateException(
          "Piper voice '" + name + "': " + model + " is not an ONNX model: " + problem);
    }
    String language =
        json.path("language").path("code").asText(json.path("espeak").path("voice").asText("und"));
    VoiceInfo info =
        new VoiceInfo(
            name,
            language.isEmpty() ? "und" : language,
            json.path("audio").path("sample_rate").asInt(),
            json.path("num_speakers").asInt(1));
    return new PiperVoiceFiles(model, config, info, json);
  }

  static String checkConfig(JsonNode json) {
    if (!json.isObject()) {
      return "the top level is not an object";
    }
    int rate = json.path("audio").path("sample_rate").asInt(-1);
    if (rate < 8_000 || rate > 48_000) {
      return "audio.sample_rate is missing or outside [8000, 48000]";
    }
    JsonNode map = json.path("phoneme_id_map");
    if (!map.isObject() || map.isEmpty()) {
      return "phoneme_id_map is missing or empty";
    }
    for (JsonNode ids : map) {
      if (!ids.isArray()
          || ids.isEmpty()
          || !ids.get(0).canConvertToInt()
          || ids.get(0).asInt() < 0) {
        return "phoneme_id_map has an entry that is not a list of ids";
      }
    }
    String type = json.path("phoneme_type").asText("espeak");
    if (!type.equals("espeak") && !type.equals("text")) {
      return "phoneme_type '" + type + "' is neither espeak nor text";
    }
    if (type.equals("espeak") && json.path("espeak").path("voice").asText("").isEmpty()) {
      return "espeak.voice is missing";
    }
    if (json.has("num_speakers") && json.path("num_speakers").asInt(0) < 1) {
      return "num_speakers must be at least 1";
    }
    return null;
  }

  /**
   * Walks the top-level protobuf fields of an ONNX ModelProto: every tag must have a valid wire
   * type, every length must fit in the file, and field 7 (graph) must be present.
   */
  static String checkOnnx(Path model) {
    byte[] bytes;
    try {
      long size = Files.size(model);
      if (size < MIN_MODEL_BYTES) {
        return "only " + size + " bytes";
      }
      if (size > Integer.MAX_VALUE - 16) {
        return checkPrefix(model);
      }
      bytes = Files.readAllBytes(model);
    } catch (IOException e) {
      return "cannot read: " + e.getMessage();
    }
    return walk(bytes, bytes.length);
  }

  /** Huge models: check the first megabyte's fields only. */
  private static String checkPrefix(Path model) {
    try (InputStream in = Files.newInputStream(model)) {
      byte[] head = in.readNBytes(1 << 20);
      return walk(head, Long.MAX_VALUE);
    } catch (IOException e) {
      return "cannot read: " + e.getMessage();
    }
  }

  private static String walk(byte[] b, long fileLength) {
    int p = 0;
    boolean graph = false;
    boolean irVersion = false;
    while (p < b.length) {
      long[] tag = varint(b, p);
      if (tag == null) {
        return "truncated field tag at byte " + p;
      }
      p = (int) tag[1];
      int field = (int) (tag[0] >>> 3);
      int wire = (int) (tag[0] & 7);
      if (field < 1 || field > 100) {
        return "unexpected field number " + field + " at the top level";
      }
      switch (wire) {
        case 0 -> {
          long[] v = varint(b, p);
          if (v == null) {
            return "truncated varint";
          }
          irVersion |= field == 1;
          p = (int) v[1];
        }
        case 1 -> p += 8;
        case 5 -> p += 4;
        case 2 -> {
          long[] len = varint(b, p);
          if (len == null || len[0] < 0 || len[1] + len[0] > fileLength) {
            return "field " + field + " runs past the end of the file";
          }
          graph |= field == 7;
          if (len[1] + len[0] > b.length) {
            return graph ? null : "no graph in the checked prefix";
          }
          p = (int) (len[1] + len[0]);
        }
        default -> {
          return "invalid wire type " + wire;
        }
      }
      if (p > b.length) {
        return "truncated";
      }
    }
    if (!irVersion) {
      return "no ir_version";
    }
    return graph ? null : "no graph";
  }

  /** Decodes a varint at {@code p}: {value, next position}, or null when truncated. */
  private static long[] varint(byte[] b, int p) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= b.length) {
        return null;
      }
      byte x = b[p++];
      value |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return new long[] {value, p};
      }
    }
    return null;
  }

  /** A copy of the JSON config with the length scale divided by {@code rate}. */
  public String withRate(float rate) {
    ObjectNode copy = json.deepCopy();
    ObjectNode inference = copy.with("inference");
    double scale = json.path("inference").path("length_scale").asDouble(1.0);
    inference.put("length_scale", scale / rate);
    return copy.toString();
  }
}
