package dev.assistant.llm.backend.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A LLaVA checkpoint's {@code config.json} ({@code LlavaForConditionalGeneration}): language and
 * vision dimensions, the image placeholder token and how vision features are selected.
 *
 * @param featureLayers vision hidden-state indices (negative count from the end; index 0 is the
 *     pre-LayerNorm'd embeddings), concatenated along the feature axis when several
 * @param dropClsToken true for select strategy {@code default}, false for {@code full}
 */
public record LlavaConfig(
    TextConfig text,
    VisionConfig vision,
    int imageTokenId,
    int padTokenId,
    List<Integer> featureLayers,
    boolean dropClsToken,
    boolean projectorBias,
    int bosTokenId,
    int eosTokenId) {

  public LlavaConfig {
    featureLayers = List.copyOf(featureLayers);
    for (int layer : featureLayers) {
      int idx = layer < 0 ? vision.numLayers() + 1 + layer : layer;
      if (idx < 0 || idx > vision.numLayers()) {
        throw new ModelConfigException(
            "vision_feature_layer="
                + layer
                + " is outside the "
                + (vision.numLayers() + 1)
                + " hidden states of the vision tower");
      }
    }
  }

  public static LlavaConfig load(Path modelDir) {
    Json root = Json.read(modelDir.resolve("config.json"));
    String type = root.string("model_type", "");
    if (!type.equals("llava")) {
      throw new ModelConfigException(
          "config.json: model_type=" + (type.isEmpty() ? "(missing)" : type) + ", expected llava");
    }
    String act = root.string("projector_hidden_act", "gelu");
    if (!act.equals("gelu")) {
      throw new ModelConfigException("config.json: projector_hidden_act=" + act + " unsupported");
    }
    TextConfig text =
        TextConfig.parse(root.object("text_config"), root.bool("tie_word_embeddings", false));
    VisionConfig vision =
        VisionConfig.parse(root.object("vision_config"), root.has("vision_config"));
    String strategy = root.string("vision_feature_select_strategy", "default");
    if (!strategy.equals("default") && !strategy.equals("full")) {
      throw new ModelConfigException(
          "config.json: vision_feature_select_strategy=" + strategy + " (default or full)");
    }
    List<Integer> layers = new ArrayList<>();
    if (root.has("vision_feature_layer") && root.raw().get("vision_feature_layer").isJsonArray()) {
      root.raw().getAsJsonArray("vision_feature_layer").forEach(e -> layers.add(e.getAsInt()));
    } else {
      layers.add(root.integer("vision_feature_layer", -2));
    }
    Json textJson = root.object("text_config");
    int imageToken = root.integer("image_token_index", root.integer("image_token_id", 32000));
    if (imageToken < 0 || imageToken >= text.vocabSize()) {
      throw new ModelConfigException(
          "config.json: image_token_index="
              + imageToken
              + " is outside vocab_size "
              + text.vocabSize());
    }
    return new LlavaConfig(
        text,
        vision,
        imageToken,
        root.integer("pad_token_id", textJson.integer("pad_token_id", -1)),
        layers,
        strategy.equals("default"),
        root.bool("multimodal_projector_bias", true),
        textJson.integer("bos_token_id", root.integer("bos_token_id", 1)),
        textJson.integer("eos_token_id", root.integer("eos_token_id", 2)));
  }

  /** Number of vision encoder layers that must run: the deepest selected hidden state. */
  public int visionLayersNeeded() {
    int max = 0;
    for (int layer : featureLayers) {
      max = Math.max(max, layer < 0 ? vision.numLayers() + 1 + layer : layer);
    }
    return max;
  }

  /** Image positions one {@code <image>} expands to. */
  public int imageTokens() {
    return vision.numPatches() + (dropClsToken ? 0 : 1);
  }

  /** Input width of the projector. */
  public int projectorInput() {
    return vision.hiddenSize() * featureLayers.size();
  }
}
