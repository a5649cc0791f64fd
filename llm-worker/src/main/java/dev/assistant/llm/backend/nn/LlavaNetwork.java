package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import dev.assistant.llm.backend.config.LlavaConfig;
import dev.assistant.llm.backend.config.TextConfig;
import dev.assistant.llm.backend.config.VisionConfig;
import dev.assistant.llm.backend.safetensors.Checkpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * The three networks of a LLaVA model, built from a checkpoint layer by layer: each layer's tensors
 * are read, converted (fused, transposed or quantized) and dropped before the next layer is read.
 */
public record LlavaNetwork(LlamaDecoder decoder, ClipVisionTower vision, Projector projector)
    implements AutoCloseable {

  public static LlavaNetwork load(Checkpoint ckpt, LlavaConfig config, LayerFactory f) {
    TensorNames names = TensorNames.detect(ckpt);
    LlamaDecoder decoder = null;
    ClipVisionTower vision = null;
    try {
      decoder = loadDecoder(ckpt, names, config.text(), f);
      vision = loadVision(ckpt, names, config, f);
      Projector projector = loadProjector(ckpt, names, config, f);
      return new LlavaNetwork(decoder, vision, projector);
    } catch (RuntimeException e) {
      if (decoder != null) {
        decoder.close();
      }
      if (vision != null) {
        vision.close();
      }
      throw e;
    }
  }

  private static LlamaDecoder loadDecoder(
      Checkpoint c, TensorNames n, TextConfig t, LayerFactory f) {
    int h = t.hiddenSize();
    int hd = t.headDim();
    int qOut = t.numHeads() * hd;
    int kvOut = t.numKvHeads() * hd;
    int inter = t.intermediateSize();
    String p = n.text();
    float[] embedding = c.floats(p + "embed_tokens.weight", t.vocabSize(), h);
    EmbeddingTable table = f.embedding(embedding, t.vocabSize(), h);
    Linear head;
    boolean headPresent = c.contains(n.lmHead());
    if (t.tieWordEmbeddings() || !headPresent) {
      if (!t.tieWordEmbeddings()) {
        throw new dev.assistant.llm.backend.safetensors.CheckpointException(
            "checkpoint has no " + n.lmHead() + " and tie_word_embeddings is false");
      }
      head =
          table.quantized() != null
              ? new QuantizedLinear(table.quantized(), null)
              : f.linear(embedding, t.vocabSize(), h, null);
    } else {
      embedding = null;
      head = f.linear(c.floats(n.lmHead(), t.vocabSize(), h), t.vocabSize(), h, null);
    }
    embedding = null;
    List<LlamaLayer> layers = new ArrayList<>();
    for (int i = 0; i < t.numLayers(); i++) {
      String l = p + "layers." + i + ".";
      String a = l + "self_attn.";
      float[] qkvBias = null;
      if (t.attentionBias()) {
        qkvBias =
            LayerFactory.stackRows(
                c.floats(a + "q_proj.bias", qOut),
                c.floats(a + "k_proj.bias", kvOut),
                c.floats(a + "v_proj.bias", kvOut));
      }
      Linear qkv =
          f.linear(
              LayerFactory.stackRows(
                  c.floats(a + "q_proj.weight", qOut, h),
                  c.floats(a + "k_proj.weight", kvOut, h),
                  c.floats(a + "v_proj.weight", kvOut, h)),
              qOut + 2 * kvOut,
              h,
              qkvBias);
      Linear o =
          f.linear(
              c.floats(a + "o_proj.weight", h, qOut),
              h,
              qOut,
              t.attentionBias() ? c.floats(a + "o_proj.bias", h) : null);
      String m = l + "mlp.";
      Linear gateUp =
          f.linear(
              LayerFactory.stackRows(
                  c.floats(m + "gate_proj.weight", inter, h),
                  c.floats(m + "up_proj.weight", inter, h)),
              2 * inter,
              h,
              null);
      Linear down = f.linear(c.floats(m + "down_proj.weight", h, inter), h, inter, null);
      layers.add(
          new LlamaLayer(
              f.tensor(c.floats(l + "input_layernorm.weight", h), h),
              f.tensor(c.floats(l + "post_attention_layernorm.weight", h), h),
              qkv,
              o,
              gateUp,
              down,
              t.numHeads(),
              t.numKvHeads(),
              hd,
              (float) t.rmsNormEps()));
    }
    NDArray norm = f.tensor(c.floats(p + "norm.weight", h), h);
    return new LlamaDecoder(t, table, layers, norm, head, f.compute());
  }

  private static ClipVisionTower loadVision(
      Checkpoint c, TensorNames n, LlavaConfig config, LayerFactory f) {
    VisionConfig v = config.vision();
    int vh = v.hiddenSize();
    int ps = v.patchSize();
    int positions = v.numPatches() + 1;
    String p = n.vision();
    float[] conv = c.floats(p + "embeddings.patch_embedding.weight", vh, 3, ps, ps);
    Linear patch = f.denseLinear(conv, vh, 3 * ps * ps, null);
    float[] table = c.floats(p + "embeddings.position_embedding.weight", positions, vh);
    float[] cls = c.floats(p + "embeddings.class_embedding", vh);
    for (int i = 0; i < vh; i++) {
      table[i] += cls[i];
    }
    NDArray classAndPositions = f.tensor(table, positions, vh);
    List<ClipLayer> layers = new ArrayList<>();
    for (int i = 0; i < config.visionLayersNeeded(); i++) {
      String l = p + "encoder.layers." + i + ".";
      String a = l + "self_attn.";
      Linear qkv =
          f.linear(
              LayerFactory.stackRows(
                  c.floats(a + "q_proj.weight", vh, vh),
                  c.floats(a + "k_proj.weight", vh, vh),
                  c.floats(a + "v_proj.weight", vh, vh)),
              3 * vh,
              vh,
              LayerFactory.stackRows(
                  c.floats(a + "q_proj.bias", vh),
                  c.floats(a + "k_proj.bias", vh),
                  c.floats(a + "v_proj.bias", vh)));
      Linear out =
          f.linear(
              c.floats(a + "out_proj.weight", vh, vh), vh, vh, c.floats(a + "out_proj.bias", vh));
      int inter = v.intermediateSize();
      Linear fc1 =
          f.linear(
              c.floats(l + "mlp.fc1.weight", inter, vh),
              inter,
              vh,
              c.floats(l + "mlp.fc1.bias", inter));
      Linear fc2 =
          f.linear(
              c.floats(l + "mlp.fc2.weight", vh, inter),
              vh,
              inter,
              c.floats(l + "mlp.fc2.bias", vh));
      layers.add(
          new ClipLayer(
              f.tensor(c.floats(l + "layer_norm1.weight", vh), vh),
              f.tensor(c.floats(l + "layer_norm1.bias", vh), vh),
              f.tensor(c.floats(l + "layer_norm2.weight", vh), vh),
              f.tensor(c.floats(l + "layer_norm2.bias", vh), vh),
              qkv,
              out,
              fc1,
              fc2,
              v.numHeads(),
              (float) v.layerNormEps()));
    }
    return new ClipVisionTower(
        config,
        patch,
        classAndPositions,
        f.tensor(c.floats(p + "pre_layrnorm.weight", vh), vh),
        f.tensor(c.floats(p + "pre_layrnorm.bias", vh), vh),
        layers,
        f.compute());
  }

  private static Projector loadProjector(
      Checkpoint c, TensorNames n, LlavaConfig config, LayerFactory f) {
    int in = config.projectorInput();
    int h = config.text().hiddenSize();
    String p = n.projector();
    boolean bias = config.projectorBias();
    Linear first =
        f.linear(
            c.floats(p + "linear_1.weight", h, in),
            h,
            in,
            bias ? c.floats(p + "linear_1.bias", h) : null);
    Linear second =
        f.linear(
            c.floats(p + "linear_2.weight", h, h),
            h,
            h,
            bias ? c.floats(p + "linear_2.bias", h) : null);
    return new Projector(first, second);
  }

  /** Bytes of all weights held. */
  public long residentBytes() {
    return decoder.residentBytes() + vision.residentBytes() + projector.residentBytes();
  }

  @Override
  public void close() {
    decoder.close();
    vision.close();
    projector.close();
  }
}
