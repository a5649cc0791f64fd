package dev.assistant.llm.backend.image;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.assistant.llm.backend.config.ModelConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code preprocessor_config.json} of a CLIP/LLaVA image processor.
 *
 * @param shortestEdge resize target of the short side (0 with {@code resizeHeight/Width})
 * @param padToSquare pad to a square of the mean colour first (LLaVA-1.5's {@code
 *     image_aspect_ratio=pad}, or {@code do_pad})
 */
public record PreprocessorConfig(
    boolean resize,
    int shortestEdge,
    int resizeHeight,
    int resizeWidth,
    boolean centerCrop,
    int cropHeight,
    int cropWidth,
    boolean rescale,
    double rescaleFactor,
    boolean normalize,
    float[] mean,
    float[] std,
    boolean padToSquare) {

  public PreprocessorConfig {
    mean = mean.clone();
    std = std.clone();
    if (mean.length != 3 || std.length != 3) {
      throw new ModelConfigException(
          "preprocessor_config.json: image_mean and image_std need 3 values");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new ModelConfigException("preprocessor_config.json: image_std must be positive");
      }
    }
  }

  /** CLIP's defaults at a given size (what LLaVA-1.5 ships at 336). */
  public static PreprocessorConfig clip(int size) {
    return new PreprocessorConfig(
        true,
        size,
        0,
        0,
        true,
        size,
        size,
        true,
        1 / 255.0,
        true,
        new float[] {0.48145466f, 0.4578275f, 0.40821073f},
        new float[] {0.26862954f, 0.26130258f, 0.27577711f},
        false);
  }

  public static PreprocessorConfig load(Path modelDir, int imageSize) {
    Path file = modelDir.resolve("preprocessor_config.json");
    if (!Files.isRegularFile(file)) {
      return clip(imageSize);
    }
    JsonObject o;
    try {
      o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      throw new ModelConfigException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    int resample = intOr(o, "resample", 3);
    if (resample != 3) {
      throw new ModelConfigException(
          file + ": resample=" + resample + " (only 3, bicubic, is supported)");
    }
    int shortest = 0;
    int rh = 0;
    int rw = 0;
    JsonElement size = o.get("size");
    if (size == null || size.isJsonNull()) {
      shortest = imageSize;
    } else if (size.isJsonPrimitive()) {
      shortest = size.getAsInt();
    } else if (size.getAsJsonObject().has("shortest_edge")) {
      shortest = size.getAsJsonObject().get("shortest_edge").getAsInt();
    } else {
      rh = size.getAsJsonObject().get("height").getAsInt();
      rw = size.getAsJsonObject().get("width").getAsInt();
    }
    int ch = imageSize;
    int cw = imageSize;
    JsonElement crop = o.get("crop_size");
    if (crop != null && !crop.isJsonNull()) {
      if (crop.isJsonPrimitive()) {
        ch = cw = crop.getAsInt();
      } else {
        ch = crop.getAsJsonObject().get("height").getAsInt();
        cw = crop.getAsJsonObject().get("width").getAsInt();
      }
    }
    boolean doCrop = boolOr(o, "do_center_crop", true);
    int outH = doCrop ? ch : rh > 0 ? rh : shortest;
    if (outH != imageSize || (doCrop ? cw : outH) != imageSize) {
      throw new ModelConfigException(
          file
              + ": processed images would be "
              + outH
              + " px but the vision tower expects "
              + imageSize);
    }
    return new PreprocessorConfig(
        boolOr(o, "do_resize", true),
        shortest,
        rh,
        rw,
        doCrop,
        ch,
        cw,
        boolOr(o, "do_rescale", true),
        o.has("rescale_factor") ? o.get("rescale_factor").getAsDouble() : 1 / 255.0,
        boolOr(o, "do_normalize", true),
        floats(o, "image_mean", clip(imageSize).mean()),
        floats(o, "image_std", clip(imageSize).std()),
        boolOr(o, "do_pad", false) || "pad".equals(stringOr(o, "image_aspect_ratio", "")));
  }

  private static int intOr(JsonObject o, String k, int d) {
    return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsInt() : d;
  }

  private static boolean boolOr(JsonObject o, String k, boolean d) {
    return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsBoolean() : d;
  }

  private static String stringOr(JsonObject o, String k, String d) {
    return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsString() : d;
  }

  private static float[] floats(JsonObject o, String k, float[] d) {
    if (!o.has(k) || o.get(k).isJsonNull()) {
      return d;
    }
    var a = o.getAsJsonArray(k);
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsFloat();
    }
    return out;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }
}
