package dev.assistant.llm.tools;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.assistant.llm.backend.safetensors.SafetensorsWriter;
import dev.assistant.llm.backend.safetensors.TensorDType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Writes a random LLaVA checkpoint in the Hugging Face layout: {@code config.json}, {@code
 * preprocessor_config.json}, {@code tokenizer.json} (the npm Mistral-7B vocabulary plus {@code
 * <image>} = 32000 and {@code <pad>} = 32001), {@code tokenizer_config.json}, {@code
 * special_tokens_map.json} and single or sharded safetensors in F32, F16 or BF16. Tensors are
 * generated one at a time while writing, so real dimensions need little memory.
 *
 * <p>Usage: {@code RandomLlavaCheckpointWriter <out-dir> [tiny|bench-1b] [F32|F16|BF16] [shards]}.
 */
public final class RandomLlavaCheckpointWriter {
  public static final int IMAGE_TOKEN = 32000;
  public static final int PAD_TOKEN = 32001;

  /** The chat template of the llava-hf LLaVA-1.5 checkpoints (content parts, image first). */
  public static final String LLAVA_HF_TEMPLATE =
      "{% for message in messages %}{% if message['role'] != 'system' %}"
          + "{{ message['role'].upper() + ': '}}{% endif %}"
          + "{# Render all images first #}{% for content in message['content'] | selectattr('type',"
          + " 'equalto', 'image') %}{{ '<image>\\n' }}{% endfor %}"
          + "{# Render all text next #}{% if message['role'] != 'assistant' %}{% for content in"
          + " message['content'] | selectattr('type', 'equalto', 'text') %}{{ content['text'] + ' '}}"
          + "{% endfor %}{% else %}{% for content in message['content'] | selectattr('type',"
          + " 'equalto', 'text') %}{% generation %}{{ content['text'] + ' '}}{% endgeneration %}"
          + "{% endfor %}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ 'ASSISTANT:' }}"
          + "{% endif %}";

  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private RandomLlavaCheckpointWriter() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println(
          "usage: RandomLlavaCheckpointWriter <out-dir> [tiny|bench-1b] [F32|F16|BF16] [shards]");
      System.exit(2);
    }
    CheckpointSpec spec =
        args.length > 1 && args[1].equals("bench-1b")
            ? CheckpointSpec.bench1b()
            : CheckpointSpec.tiny();
    if (args.length > 2) {
      spec = spec.withDtype(TensorDType.valueOf(args[2].toUpperCase(Locale.ROOT)));
    }
    if (args.length > 3) {
      spec = spec.withShards(Integer.parseInt(args[3]), spec.modernNames());
    }
    write(spec, Path.of(args[0]));
    System.out.println("wrote " + spec + " to " + args[0]);
  }

  /** Writes the checkpoint into {@code dir} (created if needed). */
  public static void write(CheckpointSpec spec, Path dir) {
    try {
      Files.createDirectories(dir);
      writeJson(dir.resolve("config.json"), config(spec));
      writeJson(dir.resolve("preprocessor_config.json"), preprocessor(spec));
      writeTokenizer(spec, dir);
      writeWeights(spec, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint to " + dir, e);
    }
  }

  static JsonObject config(CheckpointSpec s) {
    JsonObject text = new JsonObject();
    text.addProperty("model_type", "llama");
    text.addProperty("hidden_size", s.hidden());
    text.addProperty("intermediate_size", s.intermediate());
    text.addProperty("num_hidden_layers", s.layers());
    text.addProperty("num_attention_heads", s.heads());
    text.addProperty("num_key_value_heads", s.kvHeads());
    text.addProperty("vocab_size", s.vocab());
    text.addProperty("rms_norm_eps", 1e-5);
    text.addProperty("rope_theta", 10000.0);
    text.addProperty("max_position_embeddings", 4096);
    text.addProperty("torch_dtype", torchDtype(s.dtype()));
    JsonObject vision = new JsonObject();
    vision.addProperty("model_type", "clip_vision_model");
    vision.addProperty("hidden_size", s.visionHidden());
    vision.addProperty("intermediate_size", s.visionIntermediate());
    vision.addProperty("num_hidden_layers", s.visionLayers());
    vision.addProperty("num_attention_heads", s.visionHeads());
    vision.addProperty("image_size", s.imageSize());
    vision.addProperty("patch_size", s.patchSize());
    vision.addProperty("projection_dim", 768);
    JsonObject root = new JsonObject();
    JsonArray arch = new JsonArray();
    arch.add("LlavaForConditionalGeneration");
    root.add("architectures", arch);
    root.addProperty("model_type", "llava");
    root.addProperty("ignore_index", -100);
    root.addProperty("image_token_index", IMAGE_TOKEN);
    root.addProperty("pad_token_id", PAD_TOKEN);
    root.addProperty("projector_hidden_act", "gelu");
    root.addProperty("vision_feature_layer", -2);
    root.addProperty("vision_feature_select_strategy", "default");
    root.addProperty("tie_word_embeddings", s.tieEmbeddings());
    root.addProperty("torch_dtype", torchDtype(s.dtype()));
    root.add("text_config", text);
    root.add("vision_config", vision);
    return root;
  }

  private static String torchDtype(TensorDType d) {
    return switch (d) {
      case F16 -> "float16";
      case BF16 -> "bfloat16";
      default -> "float32";
    };
  }

  static JsonObject preprocessor(CheckpointSpec s) {
    JsonObject p = new JsonObject();
    JsonObject crop = new JsonObject();
    crop.addProperty("height", s.imageSize());
    crop.addProperty("width", s.imageSize());
    p.add("crop_size", crop);
    p.addProperty("do_center_crop", true);
    p.addProperty("do_convert_rgb", true);
    p.addProperty("do_normalize", true);
    p.addProperty("do_rescale", true);
    p.addProperty("do_resize", true);
    p.add("image_mean", floats(0.48145466, 0.4578275, 0.40821073));
    p.add("image_std", floats(0.26862954, 0.26130258, 0.27577711));
    p.addProperty("image_processor_type", "CLIPImageProcessor");
    p.addProperty("processor_class", "LlavaProcessor");
    p.addProperty("resample", 3);
    p.addProperty("rescale_factor", 0.00392156862745098);
    JsonObject size = new JsonObject();
    size.addProperty("shortest_edge", s.imageSize());
    p.add("size", size);
    return p;
  }

  private static JsonArray floats(double... v) {
    JsonArray a = new JsonArray();
    for (double d : v) {
      a.add(d);
    }
    return a;
  }

  private static void writeTokenizer(CheckpointSpec s, Path dir) throws IOException {
    JsonObject tok =
        JsonParser.parseString(Files.readString(NpmTokenizer.tokenizerJson())).getAsJsonObject();
    JsonArray added = tok.getAsJsonArray("added_tokens");
    added.add(addedToken(IMAGE_TOKEN, "<image>"));
    added.add(addedToken(PAD_TOKEN, "<pad>"));
    Files.writeString(dir.resolve("tokenizer.json"), new Gson().toJson(tok));

    JsonObject cfg = new JsonObject();
    cfg.addProperty("add_bos_token", true);
    cfg.addProperty("add_eos_token", false);
    cfg.addProperty("bos_token", "<s>");
    cfg.addProperty("eos_token", "</s>");
    cfg.addProperty("unk_token", "<unk>");
    cfg.addProperty("pad_token", "<pad>");
    cfg.addProperty("legacy", true);
    cfg.addProperty("model_max_length", 4096);
    cfg.addProperty("padding_side", "left");
    cfg.addProperty("tokenizer_class", "LlamaTokenizer");
    JsonObject decoder = new JsonObject();
    String[][] specials = {
      {"0", "<unk>"}, {"1", "<s>"}, {"2", "</s>"}, {"32000", "<image>"}, {"32001", "<pad>"}
    };
    for (String[] sp : specials) {
      JsonObject t = addedToken(Integer.parseInt(sp[0]), sp[1]);
      t.remove("id");
      decoder.add(sp[0], t);
    }
    cfg.add("added_tokens_decoder", decoder);
    if (s.chatTemplate() != null) {
      cfg.addProperty("chat_template", s.chatTemplate());
    }
    writeJson(dir.resolve("tokenizer_config.json"), cfg);

    JsonObject map = new JsonObject();
    map.addProperty("bos_token", "<s>");
    map.addProperty("eos_token", "</s>");
    map.addProperty("unk_token", "<unk>");
    map.addProperty("pad_token", "<pad>");
    map.addProperty("image_token", "<image>");
    writeJson(dir.resolve("special_tokens_map.json"), map);
  }

  private static JsonObject addedToken(int id, String content) {
    JsonObject t = new JsonObject();
    t.addProperty("id", id);
    t.addProperty("content", content);
    t.addProperty("single_word", false);
    t.addProperty("lstrip", false);
    t.addProperty("rstrip", false);
    t.addProperty("normalized", false);
    t.addProperty("special", true);
    return t;
  }

  private record Tensor(String name, long[] shape, Supplier<float[]> data) {}

  private static void writeWeights(CheckpointSpec s, Path dir) throws IOException {
    List<Tensor> tensors = tensors(s);
    int shards = Math.min(s.shards(), tensors.size());
    if (shards == 1) {
      SafetensorsWriter w = new SafetensorsWriter();
      tensors.forEach(t -> w.add(t.name, s.dtype(), t.shape, t.data));
      w.write(dir.resolve("model.safetensors"));
      return;
    }
    JsonObject weightMap = new JsonObject();
    long total = 0;
    int per = (tensors.size() + shards - 1) / shards;
    for (int k = 0; k < shards; k++) {
      String file = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", k + 1, shards);
      SafetensorsWriter w = new SafetensorsWriter();
      for (Tensor t : tensors.subList(k * per, Math.min(tensors.size(), (k + 1) * per))) {
        w.add(t.name, s.dtype(), t.shape, t.data);
        weightMap.addProperty(t.name, file);
      }
      total += w.dataBytes();
      w.write(dir.resolve(file));
    }
    JsonObject index = new JsonObject();
    JsonObject meta = new JsonObject();
    meta.addProperty("total_size", total);
    index.add("metadata", meta);
    index.add("weight_map", weightMap);
    writeJson(dir.resolve("model.safetensors.index.json"), index);
  }

  private static List<Tensor> tensors(CheckpointSpec s) {
    String lm = s.modernNames() ? "model.language_model." : "language_model.model.";
    String head = s.modernNames() ? "lm_head.weight" : "language_model.lm_head.weight";
    String vt = s.modernNames() ? "model.vision_tower.vision_model." : "vision_tower.vision_model.";
    String pr = s.modernNames() ? "model.multi_modal_projector." : "multi_modal_projector.";
    List<Tensor> out = new ArrayList<>();
    int hd = s.hidden() / s.heads();
    int kv = s.kvHeads() * hd;
    out.add(randStd(s, lm + "embed_tokens.weight", s.embeddingStd(), s.vocab(), s.hidden()));
    for (int i = 0; i < s.layers(); i++) {
      String p = lm + "layers." + i + ".";
      out.add(norm(s, p + "input_layernorm.weight", s.hidden()));
      out.add(rand(s, p + "self_attn.q_proj.weight", s.hidden(), s.hidden()));
      out.add(rand(s, p + "self_attn.k_proj.weight", kv, s.hidden()));
      out.add(rand(s, p + "self_attn.v_proj.weight", kv, s.hidden()));
      out.add(rand(s, p + "self_attn.o_proj.weight", s.hidden(), s.hidden()));
      out.add(norm(s, p + "post_attention_layernorm.weight", s.hidden()));
      out.add(rand(s, p + "mlp.gate_proj.weight", s.intermediate(), s.hidden()));
      out.add(rand(s, p + "mlp.up_proj.weight", s.intermediate(), s.hidden()));
      out.add(rand(s, p + "mlp.down_proj.weight", s.hidden(), s.intermediate()));
    }
    out.add(norm(s, lm + "norm.weight", s.hidden()));
    if (!s.tieEmbeddings()) {
      out.add(rand(s, head, s.vocab(), s.hidden()));
    }
    int vh = s.visionHidden();
    int positions = (s.imageSize() / s.patchSize()) * (s.imageSize() / s.patchSize()) + 1;
    out.add(rand(s, vt + "embeddings.class_embedding", vh));
    out.add(rand(s, vt + "embeddings.patch_embedding.weight", vh, 3, s.patchSize(), s.patchSize()));
    out.add(rand(s, vt + "embeddings.position_embedding.weight", positions, vh));
    out.add(norm(s, vt + "pre_layrnorm.weight", vh));
    out.add(rand(s, vt + "pre_layrnorm.bias", vh));
    for (int i = 0; i < s.visionLayers(); i++) {
      String p = vt + "encoder.layers." + i + ".";
      for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
        out.add(rand(s, p + "self_attn." + proj + ".weight", vh, vh));
        out.add(rand(s, p + "self_attn." + proj + ".bias", vh));
      }
      out.add(norm(s, p + "layer_norm1.weight", vh));
      out.add(rand(s, p + "layer_norm1.bias", vh));
      out.add(rand(s, p + "mlp.fc1.weight", s.visionIntermediate(), vh));
      out.add(rand(s, p + "mlp.fc1.bias", s.visionIntermediate()));
      out.add(rand(s, p + "mlp.fc2.weight", vh, s.visionIntermediate()));
      out.add(rand(s, p + "mlp.fc2.bias", vh));
      out.add(norm(s, p + "layer_norm2.weight", vh));
      out.add(rand(s, p + "layer_norm2.bias", vh));
    }
    out.add(norm(s, vt + "post_layernorm.weight", vh));
    out.add(rand(s, vt + "post_layernorm.bias", vh));
    out.add(rand(s, pr + "linear_1.weight", s.hidden(), vh));
    out.add(rand(s, pr + "linear_1.bias", s.hidden()));
    out.add(rand(s, pr + "linear_2.weight", s.hidden(), s.hidden()));
    out.add(rand(s, pr + "linear_2.bias", s.hidden()));
    return out;
  }

  private static Tensor rand(CheckpointSpec s, String name, long... shape) {
    return randStd(s, name, s.std(), shape);
  }

  private static Tensor randStd(CheckpointSpec s, String name, double std, long... shape) {
    return new Tensor(name, shape, () -> normal(seed(s, name), count(shape), 0, std));
  }

  /** Norm scales near 1, perturbed so that a missing or misplaced scale changes the output. */
  private static Tensor norm(CheckpointSpec s, String name, long n) {
    return new Tensor(name, new long[] {n}, () -> normal(seed(s, name), n, 1, 0.1));
  }

  /** Seeds by the classic tensor name, so both naming layouts hold the same weights. */
  private static long seed(CheckpointSpec s, String name) {
    String canonical =
        name.equals("lm_head.weight")
            ? "language_model.lm_head.weight"
            : name.replace("model.language_model.", "language_model.model.")
                .replace("model.vision_tower.", "vision_tower.")
                .replace("model.multi_modal_projector.", "multi_modal_projector.");
    return s.seed() ^ canonical.hashCode();
  }

  private static int count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return Math.toIntExact(n);
  }

  /** Normally distributed values, as trained weights roughly are (NF4's code book assumes so). */
  static float[] normal(long seed, long n, double mean, double std) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[Math.toIntExact(n)];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (mean + r.nextGaussian() * std);
    }
    return out;
  }

  private static void writeJson(Path file, JsonObject obj) throws IOException {
    Files.writeString(file, GSON.toJson(obj));
  }
}
