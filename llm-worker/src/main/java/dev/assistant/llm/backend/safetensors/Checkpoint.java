package dev.assistant.llm.backend.safetensors;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The weights of a Hugging Face model directory: {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json}'s {@code weight_map}. Tensors are read one at a time on
 * demand, so a loader never holds more than the tensor it is converting.
 *
 * <p>Thread-safety: safe for concurrent reads.
 */
public final class Checkpoint implements AutoCloseable {
  static final String SINGLE = "model.safetensors";
  static final String INDEX = "model.safetensors.index.json";

  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> owner;

  private Checkpoint(List<SafetensorsFile> files, Map<String, SafetensorsFile> owner) {
    this.files = files;
    this.owner = owner;
  }

  public static Checkpoint open(Path dir) {
    Path index = dir.resolve(INDEX);
    Path single = dir.resolve(SINGLE);
    List<SafetensorsFile> files = new ArrayList<>();
    Map<String, SafetensorsFile> owner = new TreeMap<>();
    try {
      if (Files.isRegularFile(index)) {
        JsonObject weightMap = readWeightMap(index);
        Map<String, SafetensorsFile> byShard = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : weightMap.entrySet()) {
          String shard = e.getValue().getAsString();
          if (shard.contains("/") || shard.contains("\\")) {
            throw new CheckpointException(index + ": shard name " + shard + " is not a file name");
          }
          SafetensorsFile f = byShard.get(shard);
          if (f == null) {
            Path p = dir.resolve(shard);
            if (!Files.isRegularFile(p)) {
              throw new CheckpointException(index + " names missing shard " + shard);
            }
            f = SafetensorsFile.open(p);
            byShard.put(shard, f);
            files.add(f);
          }
          if (!f.tensors().containsKey(e.getKey())) {
            throw new CheckpointException(
                index + " places " + e.getKey() + " in " + shard + ", which does not contain it");
          }
          owner.put(e.getKey(), f);
        }
      } else if (Files.isRegularFile(single)) {
        SafetensorsFile f = SafetensorsFile.open(single);
        files.add(f);
        f.tensors().keySet().forEach(n -> owner.put(n, f));
      } else {
        throw new CheckpointException(
            dir + " has neither " + SINGLE + " nor " + INDEX + " (only safetensors are supported)");
      }
    } catch (RuntimeException e) {
      files.forEach(SafetensorsFile::close);
      throw e;
    }
    return new Checkpoint(List.copyOf(files), Collections.unmodifiableMap(owner));
  }

  private static JsonObject readWeightMap(Path index) {
    try {
      JsonObject root = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
      JsonObject map = root.getAsJsonObject("weight_map");
      if (map == null) {
        throw new CheckpointException(index + " has no weight_map");
      }
      return map;
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + index, e);
    } catch (IllegalStateException | com.google.gson.JsonParseException e) {
      throw new CheckpointException(index + " is not valid JSON", e);
    }
  }

  /** Names of all tensors, sorted. */
  public List<String> names() {
    return List.copyOf(owner.keySet());
  }

  public boolean contains(String name) {
    return owner.containsKey(name);
  }

  public TensorInfo info(String name) {
    SafetensorsFile f = owner.get(name);
    if (f == null) {
      throw new CheckpointException("checkpoint has no tensor " + name);
    }
    return f.tensors().get(name);
  }

  /** Reads a tensor as fp32, checking its shape. */
  public float[] floats(String name, long... expectedShape) {
    TensorInfo info = info(name);
    if (expectedShape.length > 0 && !java.util.Arrays.equals(info.shape(), expectedShape)) {
      throw new CheckpointException(
          "tensor "
              + info
              + " does not have the shape "
              + java.util.Arrays.toString(expectedShape)
              + " that config.json implies");
    }
    return owner.get(name).readFloats(info);
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
