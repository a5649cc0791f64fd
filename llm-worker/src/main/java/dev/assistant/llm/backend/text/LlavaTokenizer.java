package dev.assistant.llm.backend.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.assistant.llm.backend.config.ModelConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
  private final HuggingFaceTokenizer literal;
  private final Map<String, Integer> addedTokens;
  private final String bosToken;
  private final String eosToken;
  private final int eosId;

  private LlavaTokenizer(
      HuggingFaceTokenizer tokenizer,
      HuggingFaceTokenizer literal,
      Map<String, Integer> addedTokens,
      String bosToken,
      String eosToken) {
    this.tokenizer = tokenizer;
    this.literal = literal;
    this.addedTokens = Map.copyOf(addedTokens);
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
    String source;
    try {
      source = Files.readString(json);
    } catch (IOException e) {
      throw new ModelConfigException(json + " cannot be read: " + e.getMessage(), e);
    }
    Map<String, Integer> added = new LinkedHashMap<>();
    String literalSource;
    try {
      JsonObject root = JsonParser.parseString(source).getAsJsonObject();
      JsonElement list = root.get("added_tokens");
      if (list != null && list.isJsonArray()) {
        for (JsonElement e : list.getAsJsonArray()) {
          JsonObject t = e.getAsJsonObject();
          added.put(t.get("content").getAsString(), t.get("id").getAsInt());
        }
      }
      // The same tokenizer without its added tokens: it reads "<s>" as the three characters it
      // is, which is how text a user typed must be read.
      root.add("added_tokens", new JsonArray());
      literalSource = root.toString();
    } catch (RuntimeException e) {
      throw new ModelConfigException(json + " is not a tokenizer file: " + e.getMessage(), e);
    }
    HuggingFaceTokenizer tok = open(json, source);
    HuggingFaceTokenizer lit = open(json, literalSource);
    return new LlavaTokenizer(tok, lit, added, bos, eos);
  }

  private static HuggingFaceTokenizer open(Path json, String source) {
    try (InputStream in = new ByteArrayInputStream(source.getBytes(StandardCharsets.UTF_8))) {
      return HuggingFaceTokenizer.newInstance(
          in,
          Map.of(
              "addSpecialTokens", "true",
              "truncation", "false",
              "padding", "false",
              "modelMaxLength", String.valueOf(Integer.MAX_VALUE)));
    } catch (IOException | RuntimeException e) {
      throw new ModelConfigException(json + " cannot be loaded: " + e.getMessage(), e);
    }
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

  /**
   * Token IDs of text read literally: added tokens such as {@code <s>} or {@code <image>} in it are
   * plain characters, no BOS is added.
   */
  public int[] encodeLiteral(String text) {
    return toInts(literal.encode(text, false, false).getIds());
  }

  /** The added tokens of {@code tokenizer.json} (control tokens, image placeholder), by text. */
  public Map<String, Integer> addedTokens() {
    return addedTokens;
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
    literal.close();
  }
}
