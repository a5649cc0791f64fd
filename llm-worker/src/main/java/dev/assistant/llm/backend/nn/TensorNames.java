package dev.assistant.llm.backend.nn;

import dev.assistant.llm.backend.safetensors.Checkpoint;
import dev.assistant.llm.backend.safetensors.CheckpointException;

/**
 * Tensor name prefixes of a LLaVA checkpoint: the classic layout ({@code language_model.model.*},
 * {@code language_model.lm_head.weight}, {@code vision_tower.vision_model.*}, {@code
 * multi_modal_projector.*}) or the one of transformers ≥ 4.52 ({@code model.language_model.*},
 * {@code lm_head.weight}, {@code model.vision_tower.*}, {@code model.multi_modal_projector.*}).
 */
record TensorNames(String text, String lmHead, String vision, String projector) {

  static TensorNames detect(Checkpoint ckpt) {
    if (ckpt.contains("language_model.model.embed_tokens.weight")) {
      return new TensorNames(
          "language_model.model.",
          "language_model.lm_head.weight",
          "vision_tower.vision_model.",
          "multi_modal_projector.");
    }
    if (ckpt.contains("model.language_model.embed_tokens.weight")) {
      return new TensorNames(
          "model.language_model.",
          "lm_head.weight",
          "model.vision_tower.vision_model.",
          "model.multi_modal_projector.");
    }
    var names = ckpt.names();
    throw new CheckpointException(
        "not a LLaVA checkpoint: no language_model.model.embed_tokens.weight or"
            + " model.language_model.embed_tokens.weight among "
            + names.size()
            + " tensors (first: "
            + names.subList(0, Math.min(5, names.size()))
            + ")");
  }
}
