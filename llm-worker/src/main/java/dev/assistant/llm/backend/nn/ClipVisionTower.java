package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.assistant.llm.backend.config.LlavaConfig;
import dev.assistant.llm.backend.config.VisionConfig;
import java.util.List;

/**
 * CLIP ViT image encoder as LLaVA uses it. The patch convolution (stride = kernel, no bias) is an
 * im2col in Java followed by one product; the class token and the position embeddings are folded
 * into one table added afterwards. Hidden state 0 is {@code pre_layrnorm(embeddings)}, state k is
 * the output of layer k; only the layers up to the deepest selected state are loaded and run, so
 * the last layer and {@code post_layernorm} are skipped for the usual {@code vision_feature_layer =
 * -2}.
 *
 * <p>Thread-safety: stateless after loading; concurrent {@link #encode} calls are safe.
 */
public final class ClipVisionTower implements AutoCloseable {
  private final LlavaConfig config;
  private final Linear patch;
  private final NDArray classAndPositions;
  private final NDArray preNormWeight;
  private final NDArray preNormBias;
  private final List<ClipLayer> layers;
  private final DataType compute;

  ClipVisionTower(
      LlavaConfig config,
      Linear patch,
      NDArray classAndPositions,
      NDArray preNormWeight,
      NDArray preNormBias,
      List<ClipLayer> layers,
      DataType compute) {
    this.config = config;
    this.patch = patch;
    this.classAndPositions = classAndPositions;
    this.preNormWeight = preNormWeight;
    this.preNormBias = preNormBias;
    this.layers = List.copyOf(layers);
    this.compute = compute;
  }

  /**
   * Rows of patches as the convolution sees them: row 0 is all zeros (the class token's slot), row
   * 1 + (py·side + px) holds channel-major {@code [c][ky][kx]} pixels of that patch.
   */
  static float[] im2col(float[] pixels, int size, int patchSize) {
    int side = size / patchSize;
    int width = 3 * patchSize * patchSize;
    float[] out = new float[(side * side + 1) * width];
    for (int py = 0; py < side; py++) {
      for (int px = 0; px < side; px++) {
        int row = 1 + py * side + px;
        int o = row * width;
        for (int c = 0; c < 3; c++) {
          for (int ky = 0; ky < patchSize; ky++) {
            int src = c * size * size + (py * patchSize + ky) * size + px * patchSize;
            System.arraycopy(pixels, src, out, o, patchSize);
            o += patchSize;
          }
        }
      }
    }
    return out;
  }

  /**
   * Image features for the projector.
   *
   * @param pixels normalized CHW pixels, {@code 3 × imageSize × imageSize}
   * @return {@code [tokens, hidden × selected layers]} in the compute dtype, owned by {@code step}
   */
  public NDArray encode(NDManager step, float[] pixels) {
    VisionConfig v = config.vision();
    int size = v.imageSize();
    if (pixels.length != 3 * size * size) {
      throw new IllegalArgumentException("expected " + 3 * size * size + " pixel values");
    }
    float[] cols = im2col(pixels, size, v.patchSize());
    int width = 3 * v.patchSize() * v.patchSize();
    NDArray x = step.create(cols, new Shape(cols.length / width, width));
    if (compute != DataType.FLOAT32) {
      x = x.toType(compute, false);
    }
    x = patch.forward(x).add(classAndPositions);
    x = Ops.layerNorm(x, preNormWeight, preNormBias, (float) v.layerNormEps());
    NDArray[] states = new NDArray[layers.size() + 1];
    states[0] = x;
    for (int i = 0; i < layers.size(); i++) {
      x = layers.get(i).forward(x);
      states[i + 1] = x;
    }
    NDList selected = new NDList();
    for (int layer : config.featureLayers()) {
      NDArray s = states[layer < 0 ? v.numLayers() + 1 + layer : layer];
      selected.add(config.dropClsToken() ? s.get("1:") : s);
    }
    return selected.size() == 1 ? selected.get(0) : NDArrays.concat(selected, 1);
  }

  public long residentBytes() {
    long sum =
        patch.residentBytes()
            + classAndPositions.getShape().size() * classAndPositions.getDataType().getNumOfBytes();
    for (ClipLayer l : layers) {
      sum += l.residentBytes();
    }
    return sum;
  }

  @Override
  public void close() {
    patch.close();
    classAndPositions.close();
    preNormWeight.close();
    preNormBias.close();
    layers.forEach(ClipLayer::close);
  }
}
