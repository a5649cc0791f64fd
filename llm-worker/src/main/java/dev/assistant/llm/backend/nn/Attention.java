package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Scaled dot-product attention for the decoder (causal, grouped-query, cached) and CLIP. */
public final class Attention {
  private Attention() {}

  /**
   * Causal grouped-query attention of {@code n} new positions of one sequence whose keys and values
   * (including the new ones) are cached at {@code [0, start + n)}. Query head {@code h} uses KV
   * head {@code h / (heads / kvHeads)}: the query heads of one group are folded into the row axis
   * so that KV heads are never copied.
   *
   * @param q {@code [n, heads, headDim]}, already rotated
   * @return {@code [n, heads·headDim]}
   */
  static NDArray causal(NDManager step, NDArray q, KvCache cache, int layer, int start) {
    Shape s = q.getShape();
    long n = s.get(0);
    long heads = s.get(1);
    long headDim = s.get(2);
    int total = (int) (start + n);
    NDArray k = cache.keys(step, layer, total);
    NDArray v = cache.values(step, layer, total);
    long kvHeads = k.getShape().get(0);
    long group = heads / kvHeads;
    NDArray qg = q.transpose(1, 0, 2).reshape(kvHeads, group * n, headDim);
    NDArray scores = qg.matMul(k.transpose(0, 2, 1)).mul((float) (1 / Math.sqrt(headDim)));
    if (n > 1) {
      NDArray mask = causalMask(step, (int) n, start, total).toType(scores.getDataType(), false);
      scores =
          scores.reshape(kvHeads, group, n, total).add(mask).reshape(kvHeads, group * n, total);
    }
    NDArray out = scores.softmax(-1).matMul(v);
    return out.reshape(heads, n, headDim).transpose(1, 0, 2).reshape(n, heads * headDim);
  }

  /**
   * Additive mask {@code [n, total]}: new position {@code i} (absolute {@code start + i}) sees keys
   * {@code j ≤ start + i}.
   */
  static NDArray causalMask(NDManager step, int n, int start, int total) {
    float[] m = new float[n * total];
    for (int i = 0; i < n; i++) {
      for (int j = start + i + 1; j < total; j++) {
        m[i * total + j] = Float.NEGATIVE_INFINITY;
      }
    }
    return step.create(m, new Shape(n, total));
  }

  /**
   * Full (bidirectional) multi-head attention, {@code q, k, v [n, heads, headDim]} → {@code [n,
   * heads·headDim]}.
   */
  static NDArray full(NDArray q, NDArray k, NDArray v) {
    Shape s = q.getShape();
    long n = s.get(0);
    long heads = s.get(1);
    long headDim = s.get(2);
    NDArray qh = q.transpose(1, 0, 2);
    NDArray scores = qh.matMul(k.transpose(1, 2, 0)).mul((float) (1 / Math.sqrt(headDim)));
    NDArray out = scores.softmax(-1).matMul(v.transpose(1, 0, 2));
    return out.transpose(1, 0, 2).reshape(n, heads * headDim);
  }
}
