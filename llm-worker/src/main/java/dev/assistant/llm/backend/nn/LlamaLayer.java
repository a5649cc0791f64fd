package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * One Llama decoder layer: RMSNorm → fused q/k/v projection → RoPE → cached causal GQA → output
 * projection → residual; RMSNorm → fused gate/up projection → SiLU(gate)·up → down projection →
 * residual.
 */
final class LlamaLayer implements AutoCloseable {
  private final NDArray inputNorm;
  private final NDArray postNorm;
  private final Linear qkv;
  private final Linear o;
  private final Linear gateUp;
  private final Linear down;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final int intermediate;
  private final float eps;

  LlamaLayer(
      NDArray inputNorm,
      NDArray postNorm,
      Linear qkv,
      Linear o,
      Linear gateUp,
      Linear down,
      int heads,
      int kvHeads,
      int headDim,
      float eps) {
    this.inputNorm = inputNorm;
    this.postNorm = postNorm;
    this.qkv = qkv;
    this.o = o;
    this.gateUp = gateUp;
    this.down = down;
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.intermediate = down.in();
    this.eps = eps;
  }

  NDArray forward(
      NDManager step,
      NDArray x,
      List<LlamaDecoder.Chunk> chunks,
      NDArray cos,
      NDArray sin,
      int index) {
    long rows = x.getShape().get(0);
    NDArray h = Ops.rmsNorm(x, inputNorm, eps);
    NDArray proj = qkv.forward(h);
    int qw = heads * headDim;
    int kw = kvHeads * headDim;
    NDArray q = proj.get(":, :" + qw).reshape(rows, heads, headDim);
    NDArray k = proj.get(":, " + qw + ":" + (qw + kw)).reshape(rows, kvHeads, headDim);
    NDArray v = proj.get(":, " + (qw + kw) + ":").reshape(rows, kvHeads, headDim);
    q = Rope.apply(q, cos, sin);
    k = Rope.apply(k, cos, sin);
    NDList outputs = new NDList();
    int r0 = 0;
    for (LlamaDecoder.Chunk c : chunks) {
      String rowRange = r0 + ":" + (r0 + c.length());
      int start = c.cache().length();
      c.cache().write(index, start, k.get(rowRange), v.get(rowRange));
      outputs.add(Attention.causal(step, q.get(rowRange), c.cache(), index, start));
      r0 += c.length();
    }
    NDArray attn = outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(outputs, 0);
    x = x.add(o.forward(attn));
    h = Ops.rmsNorm(x, postNorm, eps);
    NDArray gu = gateUp.forward(h);
    NDArray act = Ops.silu(gu.get(":, :" + intermediate)).mul(gu.get(":, " + intermediate + ":"));
    return x.add(down.forward(act));
  }

  long residentBytes() {
    return qkv.residentBytes()
        + o.residentBytes()
        + gateUp.residentBytes()
        + down.residentBytes()
        + 2L * inputNorm.getShape().size() * inputNorm.getDataType().getNumOfBytes();
  }

  @Override
  public void close() {
    inputNorm.close();
    postNorm.close();
    qkv.close();
    o.close();
    gateUp.close();
    down.close();
  }
}
