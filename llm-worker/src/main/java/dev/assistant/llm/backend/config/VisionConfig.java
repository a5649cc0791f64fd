package dev.assistant.llm.backend.config;

/**
 * The CLIP ViT vision tower ({@code vision_config}); defaults are transformers' {@code
 * CLIPVisionConfig} defaults.
 */
public record VisionConfig(
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int imageSize,
    int patchSize,
    int numChannels,
    double layerNormEps) {

  public VisionConfig {
    if (hiddenSize % numHeads != 0) {
      throw new ModelConfigException(
          "vision_config: hidden_size=" + hiddenSize + " is not divisible by heads=" + numHeads);
    }
    if (imageSize % patchSize != 0) {
      throw new ModelConfigException(
          "vision_config: image_size="
              + imageSize
              + " is not a multiple of patch_size="
              + patchSize);
    }
    if (numChannels != 3) {
      throw new ModelConfigException("vision_config: num_channels must be 3 (RGB)");
    }
  }

  /** LLaVA's defaults when {@code vision_config} is absent: CLIP ViT-L/14 at 336 px. */
  static VisionConfig parse(Json v, boolean present) {
    String act = v.string("hidden_act", "quick_gelu");
    if (!act.equals("quick_gelu")) {
      throw new ModelConfigException("vision_config.hidden_act=" + act + " is not supported");
    }
    return new VisionConfig(
        v.positive("hidden_size", present ? 768 : 1024),
        v.positive("intermediate_size", present ? 3072 : 4096),
        v.positive("num_hidden_layers", present ? 12 : 24),
        v.positive("num_attention_heads", present ? 12 : 16),
        v.positive("image_size", present ? 224 : 336),
        v.positive("patch_size", present ? 32 : 14),
        v.positive("num_channels", 3),
        v.number("layer_norm_eps", 1e-5));
  }

  public int patchesPerSide() {
    return imageSize / patchSize;
  }

  public int numPatches() {
    return patchesPerSide() * patchesPerSide();
  }

  public int headDim() {
    return hiddenSize / numHeads;
  }
}
