package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
      float[][] javaRope,
      int index) {
    long rows = x.getShape().get(0);
    NDArray h = Ops.rmsNorm(x, inputNorm, eps);
    NDArray proj = qkv.forward(h);
    NDArray attn =
        rows == chunks.size()
            ? decodeAttention(step, proj, chunks, javaRope, index, x.getDataType())
            : prefillAttention(step, proj, chunks, cos, sin, index);
    x = x.add(o.forward(attn));
    h = Ops.rmsNorm(x, postNorm, eps);
    NDArray gu = gateUp.forward(h);
    NDArray act = Ops.silu(gu.get(":, :" + intermediate)).mul(gu.get(":, " + intermediate + ":"));
    return x.add(down.forward(act));
  }

  /** Several positions per sequence: rotary, cache and attention on the engine. */
  private NDArray prefillAttention(
      NDManager step,
      NDArray proj,
      List<LlamaDecoder.Chunk> chunks,
      NDArray cos,
      NDArray sin,
      int index) {
    long rows = proj.getShape().get(0);
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
    return outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(outputs, 0);
  }

  /**
   * One new position per sequence (a decode step): rotary, cache writes and attention run in Java
   * on one copy of the projections, so the cost per sequence is a few microseconds instead of a
   * dozen engine calls per layer.
   */
  private NDArray decodeAttention(
      NDManager step,
      NDArray proj,
      List<LlamaDecoder.Chunk> chunks,
      float[][] rope,
      int index,
      DataType type) {
    int qw = heads * headDim;
    int kw = kvHeads * headDim;
    int width = qw + 2 * kw;
    float[] p =
        (type == DataType.FLOAT32 ? proj : proj.toType(DataType.FLOAT32, false)).toFloatArray();
    float[] out = new float[chunks.size() * qw];
    for (int b = 0; b < chunks.size(); b++) {
      KvCache cache = chunks.get(b).cache();
      int pos = cache.length();
      int row = b * width;
      for (int hh = 0; hh < heads + kvHeads; hh++) {
        Rope.rotate(p, row + hh * headDim, rope[0], rope[1], b * headDim, headDim);
      }
      cache.writeRow(index, pos, p, row + qw, p, row + qw + kw);
      Attention.decodeRow(p, row, cache, index, pos, heads, headDim, out, b * qw);
    }
    NDArray a = step.create(out, new Shape(chunks.size(), qw));
    return type == DataType.FLOAT32 ? a : a.toType(type, false);
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
