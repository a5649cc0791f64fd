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
    NDArray k = cache.keys(step, layer, total, q.getDataType());
    NDArray v = cache.values(step, layer, total, q.getDataType());
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
   * One decode position per sequence, in Java: rows {@code b} of {@code qkv} hold each sequence's
   * rotated query ({@code heads × headDim}) followed by its key and value, already written to the
   * cache at position {@code pos[b]}; the output row is {@code heads × headDim}.
   */
  static void decodeRow(
      float[] qkv,
      int rowOffset,
      KvCache cache,
      int layer,
      int pos,
      int heads,
      int headDim,
      float[] out,
      int outOffset) {
    int kvHeads = cache.rowWidth() / headDim;
    int group = heads / kvHeads;
    int total = pos + 1;
    float[] keys = cache.keys(layer);
    float[] values = cache.values(layer);
    int width = cache.rowWidth();
    float scale = (float) (1 / Math.sqrt(headDim));
    float[] scores = new float[total];
    for (int h = 0; h < heads; h++) {
      int q = rowOffset + h * headDim;
      int kvBase = (h / group) * headDim;
      float max = Float.NEGATIVE_INFINITY;
      for (int t = 0; t < total; t++) {
        int k = t * width + kvBase;
        float dot = 0;
        for (int e = 0; e < headDim; e++) {
          dot += qkv[q + e] * keys[k + e];
        }
        scores[t] = dot * scale;
        max = Math.max(max, scores[t]);
      }
      float sum = 0;
      for (int t = 0; t < total; t++) {
        scores[t] = (float) Math.exp(scores[t] - max);
        sum += scores[t];
      }
      int o = outOffset + h * headDim;
      for (int e = 0; e < headDim; e++) {
        out[o + e] = 0;
      }
      for (int t = 0; t < total; t++) {
        float p = scores[t] / sum;
        int v = t * width + kvBase;
        for (int e = 0; e < headDim; e++) {
          out[o + e] += p * values[v + e];
        }
      }
    }
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
