package dev.assistant.cli.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one manifest record (a JSON object, or a CSV row made into one) into a {@link BatchItem}.
 * Known fields are typed and checked; any other field is kept as metadata for {@code eval --by}.
 */
final class ItemParser {
  private static final Set<String> INPUT_FIELDS =
      Set.of(
          "id", "audio", "image", "prompt", "reference_transcript", "reference_answer", "options");

  private final Path baseDir;

  /** Relative file paths in the manifest are resolved against {@code baseDir}. */
  ItemParser(Path baseDir) {
    this.baseDir = baseDir;
  }

  /** The item, or a failed entry naming the field at fault. */
  ManifestEntry parse(ObjectNode record, String source, String raw) {
    try {
      ObjectNode options = JsonNodeFactory.instance.objectNode();
      ObjectNode meta = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String key = f.getKey();
        if (key.equals("options")) {
          if (!f.getValue().isObject()) {
            throw new IllegalArgumentException("options: expected an object");
          }
          f.getValue().fields().forEachRemaining(o -> putOption(options, o.getKey(), o.getValue()));
        } else if (ItemOptions.FIELDS.contains(key)) {
          putOption(options, key, f.getValue());
        } else if (!INPUT_FIELDS.contains(key)) {
          meta.set(key, f.getValue());
        }
      }
      String id = text(record, "id");
      Path audio = path(record, "audio");
      Path image = path(record, "image");
      String prompt = text(record, "prompt");
      if (audio == null && image == null && prompt == null) {
        throw new IllegalArgumentException("no input: give audio, image and/or prompt");
      }
      return ManifestEntry.ok(
          new BatchItem(
              source,
              raw,
              id,
              audio,
              image,
              prompt,
              options(options),
              text(record, "reference_transcript"),
              text(record, "reference_answer"),
              meta));
    } catch (IllegalArgumentException e) {
      return ManifestEntry.bad(source, raw, e.getMessage());
    }
  }

  private static void putOption(ObjectNode options, String key, JsonNode value) {
    if (!ItemOptions.FIELDS.contains(key)) {
      throw new IllegalArgumentException(
          "options."
              + key
              + ": unknown option (known: "
              + String.join(", ", ItemOptions.FIELDS)
              + ")");
    }
    options.set(key, value);
  }

  private static ItemOptions options(ObjectNode o) {
    return new ItemOptions(
        text(o, "language"),
        text(o, "voice"),
        integer(o, "max_tokens"),
        text(o, "system_prompt"),
        bool(o, "skip_speech"),
        text(o, "speech_language"),
        number(o, "temperature"));
  }

  /** A string field; absent, null and "" (an empty CSV cell) all mean "not given". */
  private static String text(ObjectNode o, String key) {
    JsonNode v = o.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isContainerNode()) {
      throw new IllegalArgumentException(key + ": expected text, got " + v.getNodeType());
    }
    String s = v.asText();
    return s.isEmpty() && !key.startsWith("reference_") ? null : s;
  }

  private static Integer integer(ObjectNode o, String key) {
    String s = text(o, key);
    if (s == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(s.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": expected a whole number ≥ 0, got '" + s + "'");
    }
  }

  private static Float number(ObjectNode o, String key) {
    String s = text(o, key);
    if (s == null) {
      return null;
    }
    try {
      return Float.parseFloat(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": expected a number, got '" + s + "'");
    }
  }

  private static Boolean bool(ObjectNode o, String key) {
    String s = text(o, key);
    if (s == null) {
      return null;
    }
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw new IllegalArgumentException(key + ": expected true or false, got '" + s + "'");
    };
  }

  private Path path(ObjectNode o, String key) {
    String s = text(o, key);
    if (s == null) {
      return null;
    }
    try {
      return baseDir.resolve(s).normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(key + ": not a file path: '" + s + "'");
    }
  }
}
