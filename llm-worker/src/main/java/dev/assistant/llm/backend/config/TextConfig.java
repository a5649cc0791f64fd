package dev.assistant.llm.backend.config;

/**
 * The Llama language model's dimensions ({@code text_config}). Defaults are transformers' {@code
 * LlamaConfig} defaults, which apply when a LLaVA config lists only what differs.
 */
public record TextConfig(
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    int vocabSize,
    double rmsNormEps,
    RopeConfig rope,
    int maxPositions,
    boolean tieWordEmbeddings,
    boolean attentionBias) {

  public TextConfig {
    if (numHeads % numKvHeads != 0) {
      throw new ModelConfigException(
          "text_config: num_attention_heads="
              + numHeads
              + " is not a multiple of num_key_value_heads="
              + numKvHeads);
    }
    if (headDim % 2 != 0) {
      throw new ModelConfigException("text_config: head_dim=" + headDim + " must be even (RoPE)");
    }
  }

  static TextConfig parse(Json text, boolean topLevelTie) {
    String type = text.string("model_type", "llama");
    if (!type.equals("llama") && !type.equals("mistral")) {
      throw new ModelConfigException(
          "text_config.model_type=" + type + " is not supported (llama and mistral are)");
    }
    String act = text.string("hidden_act", "silu");
    if (!act.equals("silu")) {
      throw new ModelConfigException("text_config.hidden_act=" + act + " is not supported (silu)");
    }
    int hidden = text.positive("hidden_size", 4096);
    int heads = text.positive("num_attention_heads", 32);
    if (!text.has("head_dim") && hidden % heads != 0) {
      throw new ModelConfigException(
          "text_config: hidden_size="
              + hidden
              + " is not divisible by num_attention_heads="
              + heads);
    }
    int headDim = text.positive("head_dim", hidden / heads);
    return new TextConfig(
        hidden,
        text.positive("intermediate_size", 11008),
        text.positive("num_hidden_layers", 32),
        heads,
        text.positive("num_key_value_heads", heads),
        headDim,
        text.positive("vocab_size", 32000),
        text.number("rms_norm_eps", 1e-6),
        RopeConfig.parse(text, headDim),
        text.positive("max_position_embeddings", 2048),
        text.bool("tie_word_embeddings", false) || topLevelTie,
        text.bool("attention_bias", false));
  }

  /** Bytes of K and V for one token over all layers at the given element size. */
  public long kvBytesPerToken(int elementBytes) {
    return 2L * numLayers * numKvHeads * headDim * elementBytes;
  }
}
