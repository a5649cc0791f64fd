package dev.assistant.llm.backend.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.assistant.llm.backend.llava.ModelConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The checkpoint's {@code tokenizer.json} through DJL's Hugging Face tokenizers binding, plus the
 * special tokens from {@code tokenizer_config.json}. The BOS token comes from the tokenizer's own
 * post-processor, exactly as in transformers.
 *
 * <p>Thread-safety: the native tokenizer is thread-safe; this wrapper is immutable.
 */
public final class LlavaTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final String bosToken;
  private final String eosToken;
  private final int eosId;

  private LlavaTokenizer(HuggingFaceTokenizer tokenizer, String bosToken, String eosToken) {
    this.tokenizer = tokenizer;
    this.bosToken = bosToken;
    this.eosToken = eosToken;
    this.eosId = singleId(eosToken);
  }

  public static LlavaTokenizer load(Path modelDir) {
    Path json = modelDir.resolve("tokenizer.json");
    if (!Files.isRegularFile(json)) {
      throw new ModelConfigException(
          modelDir + " has no tokenizer.json (convert a slow tokenizer with transformers first)");
    }
    JsonObject config = readConfig(modelDir.resolve("tokenizer_config.json"));
    String bos = tokenString(config, "bos_token", "<s>");
    String eos = tokenString(config, "eos_token", "</s>");
    HuggingFaceTokenizer tok;
    try (InputStream in = Files.newInputStream(json)) {
      tok =
          HuggingFaceTokenizer.newInstance(
              in,
              Map.of(
                  "addSpecialTokens", "true",
                  "truncation", "false",
                  "padding", "false",
                  "modelMaxLength", String.valueOf(Integer.MAX_VALUE)));
    } catch (IOException | RuntimeException e) {
      throw new ModelConfigException(json + " cannot be loaded: " + e.getMessage(), e);
    }
    return new LlavaTokenizer(tok, bos, eos);
  }

  static JsonObject readConfig(Path file) {
    if (!Files.isRegularFile(file)) {
      return new JsonObject();
    }
    try {
      return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      throw new ModelConfigException(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** A special token as a string or as an AddedToken object with {@code content}. */
  static String tokenString(JsonObject config, String key, String def) {
    JsonElement e = config.get(key);
    if (e == null || e.isJsonNull()) {
      return def;
    }
    if (e.isJsonObject() && e.getAsJsonObject().has("content")) {
      return e.getAsJsonObject().get("content").getAsString();
    }
    return e.getAsString();
  }

  /** Token IDs of {@code text}, BOS first when the tokenizer's post-processor adds one. */
  public int[] encode(String text) {
    return toInts(tokenizer.encode(text, true, false).getIds());
  }

  /** Token IDs without BOS/EOS. */
  public int[] encodePlain(String text) {
    return toInts(tokenizer.encode(text, false, false).getIds());
  }

  /** Text of the tokens, skipping special tokens. */
  public String decode(int[] ids, int from, int to) {
    long[] l = new long[to - from];
    for (int i = from; i < to; i++) {
      l[i - from] = ids[i];
    }
    return tokenizer.decode(l, true);
  }

  public String bosToken() {
    return bosToken;
  }

  public String eosToken() {
    return eosToken;
  }

  /** End-of-sequence id, or -1 when the EOS string is not a single token. */
  public int eosId() {
    return eosId;
  }

  /** The id of a string that is exactly one token, or -1. */
  public int singleId(String token) {
    long[] ids = tokenizer.encode(token, false, false).getIds();
    return ids.length == 1 ? (int) ids[0] : -1;
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
