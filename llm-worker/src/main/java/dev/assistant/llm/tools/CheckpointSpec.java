package dev.assistant.llm.tools;

import dev.assistant.llm.backend.safetensors.TensorDType;

/**
 * Dimensions and file layout of a generated LLaVA checkpoint.
 *
 * @param modernNames true for {@code model.language_model.*} tensor names (transformers ≥ 4.52),
 *     false for the classic {@code language_model.model.*}
 * @param shards 1 writes {@code model.safetensors}; more write an index and that many shards
 * @param std standard deviation of the random weights (normal distribution); correctness fixtures
 *     use ≈ 0.1 so that mistakes move logits visibly
 * @param embeddingStd standard deviation of the token embeddings (and a tied LM head)
 * @param chatTemplate null for none (LLaVA-1.5 default applies), else a Jinja template
 */
public record CheckpointSpec(
    int hidden,
    int intermediate,
    int layers,
    int heads,
    int kvHeads,
    int vocab,
    boolean tieEmbeddings,
    int visionHidden,
    int visionIntermediate,
    int visionLayers,
    int visionHeads,
    int imageSize,
    int patchSize,
    TensorDType dtype,
    boolean modernNames,
    int shards,
    double std,
    double embeddingStd,
    long seed,
    String chatTemplate) {

  public CheckpointSpec {
    if (hidden % heads != 0 || heads % kvHeads != 0 || (hidden / heads) % 2 != 0) {
      throw new IllegalArgumentException("bad attention dims");
    }
    if (visionHidden % visionHeads != 0 || imageSize % patchSize != 0) {
      throw new IllegalArgumentException("bad vision dims");
    }
    if (vocab < 32002) {
      throw new IllegalArgumentException(
          "vocab must hold the 32,000 tokens plus <image> and <pad>");
    }
    if (shards < 1 || dtype == TensorDType.I64) {
      throw new IllegalArgumentException("bad shards or dtype");
    }
  }

  /** A tiny model for unit tests: runs in milliseconds. */
  public static CheckpointSpec tiny() {
    return new CheckpointSpec(
        64,
        96,
        2,
        4,
        2,
        32064,
        false,
        32,
        64,
        3,
        2,
        28,
        14,
        TensorDType.F32,
        false,
        1,
        0.1,
        0.1,
        42,
        null);
  }

  /**
   * Real dimensions of a ~1B-class model: a TinyLlama-1.1B decoder (2048 hidden, 22 layers, 32
   * heads with 4 KV heads, 5632 MLP) and the CLIP ViT-L/14 vision tower at 336 px.
   */
  public static CheckpointSpec bench1b() {
    return new CheckpointSpec(
        2048,
        5632,
        22,
        32,
        4,
        32064,
        false,
        1024,
        4096,
        24,
        16,
        336,
        14,
        TensorDType.F16,
        false,
        4,
        0.02,
        0.02,
        7,
        null);
  }

  public CheckpointSpec withDtype(TensorDType d) {
    return new CheckpointSpec(
        hidden,
        intermediate,
        layers,
        heads,
        kvHeads,
        vocab,
        tieEmbeddings,
        visionHidden,
        visionIntermediate,
        visionLayers,
        visionHeads,
        imageSize,
        patchSize,
        d,
        modernNames,
        shards,
        std,
        embeddingStd,
        seed,
        chatTemplate);
  }

  public CheckpointSpec withShards(int n, boolean modern) {
    return new CheckpointSpec(
        hidden,
        intermediate,
        layers,
        heads,
        kvHeads,
        vocab,
        tieEmbeddings,
        visionHidden,
        visionIntermediate,
        visionLayers,
        visionHeads,
        imageSize,
        patchSize,
        dtype,
        modern,
        n,
        std,
        embeddingStd,
        seed,
        chatTemplate);
  }

  public CheckpointSpec withTiedEmbeddings(boolean tie) {
    return new CheckpointSpec(
        hidden,
        intermediate,
        layers,
        heads,
        kvHeads,
        vocab,
        tie,
        visionHidden,
        visionIntermediate,
        visionLayers,
        visionHeads,
        imageSize,
        patchSize,
        dtype,
        modernNames,
        shards,
        std,
        embeddingStd,
        seed,
        chatTemplate);
  }

  public CheckpointSpec withChatTemplate(String template) {
    return new CheckpointSpec(
        hidden,
        intermediate,
        layers,
        heads,
        kvHeads,
        vocab,
        tieEmbeddings,
        visionHidden,
        visionIntermediate,
        visionLayers,
        visionHeads,
        imageSize,
        patchSize,
        dtype,
        modernNames,
        shards,
        std,
        embeddingStd,
        seed,
        template);
  }

  public CheckpointSpec withSeed(long s) {
    return new CheckpointSpec(
        hidden,
        intermediate,
        layers,
        heads,
        kvHeads,
        vocab,
        tieEmbeddings,
        visionHidden,
        visionIntermediate,
        visionLayers,
        visionHeads,
        imageSize,
        patchSize,
        dtype,
        modernNames,
        shards,
        std,
        embeddingStd,
        s,
        chatTemplate);
  }

  /**
   * A tiny model whose next-token choice has a clear winner, like a trained model's: tied
   * embeddings with a large norm make the current token's own row stand out from 32,064 random
   * rows. On the plain tiny model the top two logits of 32,064 random candidates are so close that
   * any perturbation (even int8's) flips a few percent of them.
   */
  public static CheckpointSpec tinyPeaked() {
    return new CheckpointSpec(
        128,
        192,
        2,
        4,
        2,
        32064,
        true,
        32,
        64,
        3,
        2,
        28,
        14,
        TensorDType.F32,
        false,
        1,
        0.1,
        1.0,
        43,
        null);
  }
}
