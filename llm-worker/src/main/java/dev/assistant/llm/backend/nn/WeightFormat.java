package dev.assistant.llm.backend.nn;

import dev.assistant.llm.quant.QuantFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * How linear-layer and embedding weights are held after loading ({@code llm.quantization}). Norms,
 * biases and position tables stay in the compute dtype in every mode.
 */
public enum WeightFormat {
  /** Dense fp32 on the engine. */
  FP32(null),
  /** Dense fp16 on the engine (products run in fp16, activations stay fp32 on CPU). */
  FP16(null),
  /** Block-wise absmax int8, fused Java kernels for decode. */
  INT8(QuantFormat.INT8),
  /** bitsandbytes-style NormalFloat 4-bit, fused Java kernels for decode. */
  NF4(QuantFormat.NF4),
  /** Linear symmetric 4-bit (vectorizes better than NF4's table lookup). */
  Q4(QuantFormat.Q4);

  private final QuantFormat quant;

  WeightFormat(QuantFormat quant) {
    this.quant = quant;
  }

  /** The quantized format, empty for the dense modes. */
  public Optional<QuantFormat> quant() {
    return Optional.ofNullable(quant);
  }

  public static WeightFormat parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown weight format '" + s + "' (fp32, fp16, int8, nf4, q4)", e);
    }
  }
}
