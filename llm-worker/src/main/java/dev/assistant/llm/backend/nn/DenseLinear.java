package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A linear layer whose weight lives on the engine in fp32 or fp16, stored transposed ({@code [in,
 * out]}, contiguous) so that the product is a plain {@code x.matMul(Wᵀ)} whose result belongs to
 * the caller's manager.
 */
public final class DenseLinear implements Linear {
  private final NDArray weightT;
  private final NDArray bias;
  private final int in;
  private final int out;

  private DenseLinear(NDArray weightT, NDArray bias, int in, int out) {
    this.weightT = weightT;
    this.bias = bias;
    this.in = in;
    this.out = out;
  }

  /**
   * @param weight row-major {@code [out][in]}
   * @param bias {@code [out]} or null
   * @param storage FLOAT32 or FLOAT16
   */
  public static DenseLinear create(
      NDManager manager,
      float[] weight,
      int out,
      int in,
      float[] bias,
      DataType storage,
      DataType compute) {
    float[] t = new float[weight.length];
    for (int r = 0; r < out; r++) {
      for (int c = 0; c < in; c++) {
        t[c * out + r] = weight[r * in + c];
      }
    }
    NDArray w = manager.create(t, new Shape(in, out));
    if (storage != DataType.FLOAT32) {
      NDArray converted = w.toType(storage, false);
      w.close();
      w = converted;
    }
    NDArray b = null;
    if (bias != null) {
      b = manager.create(bias);
      if (compute != DataType.FLOAT32) {
        NDArray converted = b.toType(compute, false);
        b.close();
        b = converted;
      }
    }
    return new DenseLinear(w, b, in, out);
  }

  @Override
  public int in() {
    return in;
  }

  @Override
  public int out() {
    return out;
  }

  @Override
  public NDArray forward(NDArray x) {
    DataType computeType = x.getDataType();
    NDArray xs = computeType == weightT.getDataType() ? x : x.toType(weightT.getDataType(), false);
    NDArray y = xs.matMul(weightT);
    if (y.getDataType() != computeType) {
      y = y.toType(computeType, false);
    }
    return bias == null ? y : y.add(bias);
  }

  @Override
  public long residentBytes() {
    return weightT.getShape().size() * weightT.getDataType().getNumOfBytes()
        + (bias == null ? 0 : bias.getShape().size() * bias.getDataType().getNumOfBytes());
  }

  @Override
  public void close() {
    weightT.close();
    if (bias != null) {
      bias.close();
    }
  }
}
