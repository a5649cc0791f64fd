package dev.assistant.llm.backend.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Typed reads of config JSON with errors that name the file and the key. */
final class Json {
  private final String where;
  private final JsonObject obj;

  Json(String where, JsonObject obj) {
    this.where = where;
    this.obj = obj;
  }

  static Json read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ModelConfigException(file + " is missing");
    }
    try {
      JsonElement e = JsonParser.parseString(Files.readString(file));
      if (!e.isJsonObject()) {
        throw new ModelConfigException(file + " is not a JSON object");
      }
      return new Json(file.getFileName().toString(), e.getAsJsonObject());
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + file, e);
    } catch (RuntimeException e) {
      if (e instanceof ModelConfigException mce) {
        throw mce;
      }
      throw new ModelConfigException(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  JsonObject raw() {
    return obj;
  }

  boolean has(String key) {
    return obj.has(key) && !obj.get(key).isJsonNull();
  }

  Json object(String key) {
    if (!has(key)) {
      return new Json(where + "." + key, new JsonObject());
    }
    if (!obj.get(key).isJsonObject()) {
      throw new ModelConfigException(where + ": " + key + " must be an object");
    }
    return new Json(where + "." + key, obj.getAsJsonObject(key));
  }

  int integer(String key, int def) {
    if (!has(key)) {
      return def;
    }
    try {
      return obj.get(key).getAsInt();
    } catch (RuntimeException e) {
      throw new ModelConfigException(
          where + ": " + key + "=" + obj.get(key) + " is not an integer");
    }
  }

  int positive(String key, int def) {
    int v = integer(key, def);
    if (v <= 0) {
      throw new ModelConfigException(where + ": " + key + "=" + v + " must be positive");
    }
    return v;
  }

  double number(String key, double def) {
    if (!has(key)) {
      return def;
    }
    try {
      return obj.get(key).getAsDouble();
    } catch (RuntimeException e) {
      throw new ModelConfigException(where + ": " + key + "=" + obj.get(key) + " is not a number");
    }
  }

  String string(String key, String def) {
    if (!has(key)) {
      return def;
    }
    JsonElement e = obj.get(key);
    if (!e.isJsonPrimitive()) {
      throw new ModelConfigException(where + ": " + key + " must be a string");
    }
    return e.getAsString();
  }

  boolean bool(String key, boolean def) {
    if (!has(key)) {
      return def;
    }
    return obj.get(key).getAsBoolean();
  }

  String where() {
    return where;
  }
}
