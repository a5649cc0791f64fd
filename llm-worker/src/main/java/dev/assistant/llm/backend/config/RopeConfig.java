package dev.assistant.llm.backend.config;

/**
 * Rotary position embedding: base {@code rope_theta} and optional {@code rope_scaling} (linear
 * position interpolation or Llama-3 frequency scaling). Frequencies follow transformers' {@code
 * ROPE_INIT_FUNCTIONS}.
 */
public record RopeConfig(
    double theta,
    String scalingType,
    double factor,
    double lowFreqFactor,
    double highFreqFactor,
    int originalMaxPositions) {

  static RopeConfig parse(Json text, int headDim) {
    double theta = text.number("rope_theta", 10000.0);
    if (theta <= 1) {
      throw new ModelConfigException("text_config: rope_theta=" + theta + " must be > 1");
    }
    if (!text.has("rope_scaling")) {
      return new RopeConfig(theta, "default", 1, 1, 1, 0);
    }
    Json s = text.object("rope_scaling");
    String type = s.string("rope_type", s.string("type", "default"));
    double factor = s.number("factor", 1.0);
    if (factor <= 0) {
      throw new ModelConfigException("rope_scaling.factor=" + factor + " must be positive");
    }
    return switch (type) {
      case "default" -> new RopeConfig(theta, "default", 1, 1, 1, 0);
      case "linear" -> new RopeConfig(theta, "linear", factor, 1, 1, 0);
      case "llama3" ->
          new RopeConfig(
              theta,
              "llama3",
              factor,
              s.number("low_freq_factor", 1.0),
              s.number("high_freq_factor", 4.0),
              s.positive("original_max_position_embeddings", 8192));
      default ->
          throw new ModelConfigException(
              "rope_scaling type " + type + " is not supported (default, linear, llama3)");
    };
  }

  /** Inverse frequencies {@code theta^(-2i/d)} for i in [0, d/2), with scaling applied. */
  public double[] inverseFrequencies(int headDim) {
    double[] inv = new double[headDim / 2];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
    }
    switch (scalingType) {
      case "linear" -> {
        for (int i = 0; i < inv.length; i++) {
          inv[i] /= factor;
        }
      }
      case "llama3" -> {
        double lowWavelen = originalMaxPositions / lowFreqFactor;
        double highWavelen = originalMaxPositions / highFreqFactor;
        for (int i = 0; i < inv.length; i++) {
          double wavelen = 2 * Math.PI / inv[i];
          if (wavelen > lowWavelen) {
            inv[i] /= factor;
          } else if (wavelen >= highWavelen) {
            double smooth =
                (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
            inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
          }
        }
      }
      default -> {}
    }
    return inv;
  }
}
