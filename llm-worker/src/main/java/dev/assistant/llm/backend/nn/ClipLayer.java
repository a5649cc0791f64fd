package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;

/**
 * One CLIP encoder layer (pre-norm): LayerNorm → attention with biased q/k/v/out → residual;
 * LayerNorm → fc1 → quick GELU → fc2 → residual.
 */
final class ClipLayer implements AutoCloseable {
  private final NDArray ln1Weight;
  private final NDArray ln1Bias;
  private final NDArray ln2Weight;
  private final NDArray ln2Bias;
  private final Linear qkv;
  private final Linear out;
  private final Linear fc1;
  private final Linear fc2;
  private final int heads;
  private final float eps;

  ClipLayer(
      NDArray ln1Weight,
      NDArray ln1Bias,
      NDArray ln2Weight,
      NDArray ln2Bias,
      Linear qkv,
      Linear out,
      Linear fc1,
      Linear fc2,
      int heads,
      float eps) {
    this.ln1Weight = ln1Weight;
    this.ln1Bias = ln1Bias;
    this.ln2Weight = ln2Weight;
    this.ln2Bias = ln2Bias;
    this.qkv = qkv;
    this.out = out;
    this.fc1 = fc1;
    this.fc2 = fc2;
    this.heads = heads;
    this.eps = eps;
  }

  NDArray forward(NDArray x) {
    long n = x.getShape().get(0);
    long hidden = x.getShape().get(1);
    long headDim = hidden / heads;
    NDArray h = Ops.layerNorm(x, ln1Weight, ln1Bias, eps);
    NDArray p = qkv.forward(h);
    NDArray q = p.get(":, :" + hidden).reshape(n, heads, headDim);
    NDArray k = p.get(":, " + hidden + ":" + 2 * hidden).reshape(n, heads, headDim);
    NDArray v = p.get(":, " + 2 * hidden + ":").reshape(n, heads, headDim);
    x = x.add(out.forward(Attention.full(q, k, v)));
    h = Ops.layerNorm(x, ln2Weight, ln2Bias, eps);
    return x.add(fc2.forward(Ops.quickGelu(fc1.forward(h))));
  }

  long residentBytes() {
    return qkv.residentBytes() + out.residentBytes() + fc1.residentBytes() + fc2.residentBytes();
  }

  @Override
  public void close() {
    ln1Weight.close();
    ln1Bias.close();
    ln2Weight.close();
    ln2Bias.close();
    qkv.close();
    out.close();
    fc1.close();
    fc2.close();
  }
}
