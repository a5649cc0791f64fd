package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Elementwise and normalization functions on engine arrays. Every function keeps its input as the
 * first operand so that results belong to the input's (per-step) manager, never to the manager that
 * owns the weights.
 */
public final class Ops {
  private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));

  private Ops() {}

  /** Llama RMSNorm over the last axis: {@code x / sqrt(mean(x²) + eps) · w}. */
  public static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
    NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
    return x.div(rms).mul(weight);
  }

  /** LayerNorm over the last axis with population variance, as {@code torch.nn.LayerNorm}. */
  public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
    NDArray centered = x.sub(x.mean(new int[] {-1}, true));
    NDArray var = centered.square().mean(new int[] {-1}, true);
    return centered.div(var.add(eps).sqrt()).mul(weight).add(bias);
  }

  /** SiLU, {@code x·σ(x)}: Llama's MLP gate. */
  public static NDArray silu(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }

  /** CLIP's quick GELU, {@code x·σ(1.702x)}. */
  public static NDArray quickGelu(NDArray x) {
    return x.mul(Activation.sigmoid(x.mul(1.702f)));
  }

  /** Exact GELU with erf, the projector's {@code gelu}. */
  public static NDArray gelu(NDArray x) {
    return x.mul(x.mul(INV_SQRT2).erf().add(1f)).mul(0.5f);
  }
}
