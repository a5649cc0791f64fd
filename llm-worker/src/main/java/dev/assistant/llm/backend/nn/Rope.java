package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.assistant.llm.backend.config.RopeConfig;

/**
 * Rotary position embedding in the rotate-half form (the head's two halves are the pairs, not
 * interleaved elements), as transformers' Llama. Angles are computed in float32 like the reference
 * so that long positions round the same way.
 */
public final class Rope {
  private final float[] invFreq;
  private final int headDim;

  public Rope(RopeConfig config, int headDim) {
    double[] inv = config.inverseFrequencies(headDim);
    this.invFreq = new float[inv.length];
    for (int i = 0; i < inv.length; i++) {
      invFreq[i] = (float) inv[i];
    }
    this.headDim = headDim;
  }

  /** {@code [cos, sin]}, each {@code positions.length × headDim}, row-major. */
  public float[][] tables(int[] positions) {
    int half = headDim / 2;
    float[] cos = new float[positions.length * headDim];
    float[] sin = new float[positions.length * headDim];
    for (int p = 0; p < positions.length; p++) {
      for (int i = 0; i < half; i++) {
        float angle = (float) positions[p] * invFreq[i];
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        int base = p * headDim;
        cos[base + i] = c;
        cos[base + i + half] = c;
        sin[base + i] = s;
        sin[base + i + half] = s;
      }
    }
    return new float[][] {cos, sin};
  }

  /** Engine tables shaped {@code [n, 1, headDim]} for broadcasting over heads. */
  public NDArray[] tables(NDManager manager, int[] positions, DataType type) {
    return tables(manager, tables(positions), positions.length, type);
  }

  /** Engine copies of Java tables. */
  NDArray[] tables(NDManager manager, float[][] t, int count, DataType type) {
    Shape shape = new Shape(count, 1, headDim);
    NDArray cos = manager.create(t[0], shape);
    NDArray sin = manager.create(t[1], shape);
    if (type != DataType.FLOAT32) {
      cos = cos.toType(type, false);
      sin = sin.toType(type, false);
    }
    return new NDArray[] {cos, sin};
  }

  /**
   * Rotates one head in place, {@code x[off, off + headDim)}, with row {@code tableOff} of the Java
   * tables: the same arithmetic as {@link #apply}.
   */
  static void rotate(float[] x, int off, float[] cos, float[] sin, int tableOff, int headDim) {
    int half = headDim / 2;
    for (int i = 0; i < half; i++) {
      float a = x[off + i];
      float b = x[off + i + half];
      x[off + i] = a * cos[tableOff + i] - b * sin[tableOff + i];
      x[off + i + half] = b * cos[tableOff + i + half] + a * sin[tableOff + i + half];
    }
  }

  /** Rotates {@code x [n, heads, headDim]}: {@code x·cos + rotate_half(x)·sin}. */
  public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    long d = x.getShape().get(2);
    long half = d / 2;
    NDArray x1 = x.get(":, :, :" + half);
    NDArray x2 = x.get(":, :, " + half + ":");
    NDArray rotated = x2.neg().concat(x1, -1);
    return x.mul(cos).add(rotated.mul(sin));
  }
}
