package dev.assistant.stt.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * Every tensor a ggml Whisper model must contain, with its shape and type, as whisper.cpp 1.7.x
 * creates them. The validator checks files against this list and the random model writer writes
 * exactly this list, so the two cannot drift apart.
 */
public final class WhisperTensorLayout {
  private WhisperTensorLayout() {}

  /** What a tensor's type must be. */
  public enum Role {
    /** Biases, norms, positional embeddings: always F32. */
    VECTOR,
    /** Convolution kernels: F16 (whisper.cpp's CPU convolution needs it). */
    CONV,
    /** Matrices: the model's weight type. */
    MATRIX
  }

  /**
   * One expected tensor.
   *
   * @param dims sizes with ne0 (the contiguous dimension) first, as written in the file
   */
  public record TensorSpec(String name, long[] dims, Role role) {
    public long elements() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }

    public GgmlType type(GgmlType weightType) {
      switch (role) {
        case VECTOR:
          return GgmlType.F32;
        case CONV:
          return GgmlType.F16;
        default:
          return weightType;
      }
    }
  }

  /** The tensors in the order whisper's converter writes them. */
  public static List<TensorSpec> tensors(WhisperHyperParameters hp) {
    List<TensorSpec> t = new ArrayList<>();
    int as = hp.nAudioState();
    int ts = hp.nTextState();
    t.add(vec("encoder.positional_embedding", as, hp.nAudioCtx()));
    t.add(new TensorSpec("encoder.conv1.weight", new long[] {3, hp.nMels(), as}, Role.CONV));
    t.add(vec("encoder.conv1.bias", 1, as));
    t.add(new TensorSpec("encoder.conv2.weight", new long[] {3, as, as}, Role.CONV));
    t.add(vec("encoder.conv2.bias", 1, as));
    for (int i = 0; i < hp.nAudioLayer(); i++) {
      String p = "encoder.blocks." + i + ".";
      addAttention(t, p + "attn", as);
      addMlp(t, p, as);
    }
    t.add(vec("encoder.ln_post.weight", as));
    t.add(vec("encoder.ln_post.bias", as));

    t.add(vec("decoder.positional_embedding", ts, hp.nTextCtx()));
    t.add(
        new TensorSpec(
            "decoder.token_embedding.weight", new long[] {ts, hp.nVocab()}, Role.MATRIX));
    for (int i = 0; i < hp.nTextLayer(); i++) {
      String p = "decoder.blocks." + i + ".";
      addAttention(t, p + "attn", ts);
      addAttention(t, p + "cross_attn", ts);
      addMlp(t, p, ts);
    }
    t.add(vec("decoder.ln.weight", ts));
    t.add(vec("decoder.ln.bias", ts));
    return t;
  }

  private static void addAttention(List<TensorSpec> t, String p, int n) {
    t.add(vec(p + "_ln.weight", n));
    t.add(vec(p + "_ln.bias", n));
    t.add(mat(p + ".query.weight", n, n));
    t.add(vec(p + ".query.bias", n));
    t.add(mat(p + ".key.weight", n, n)); // keys have no bias in Whisper
    t.add(mat(p + ".value.weight", n, n));
    t.add(vec(p + ".value.bias", n));
    t.add(mat(p + ".out.weight", n, n));
    t.add(vec(p + ".out.bias", n));
  }

  private static void addMlp(List<TensorSpec> t, String p, int n) {
    t.add(vec(p + "mlp_ln.weight", n));
    t.add(vec(p + "mlp_ln.bias", n));
    t.add(mat(p + "mlp.0.weight", n, 4L * n));
    t.add(vec(p + "mlp.0.bias", 4L * n));
    t.add(mat(p + "mlp.2.weight", 4L * n, n));
    t.add(vec(p + "mlp.2.bias", n));
  }

  private static TensorSpec vec(String name, long... dims) {
    return new TensorSpec(name, dims, Role.VECTOR);
  }

  private static TensorSpec mat(String name, long ne0, long ne1) {
    return new TensorSpec(name, new long[] {ne0, ne1}, Role.MATRIX);
  }
}
