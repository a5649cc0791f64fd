package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;

/**
 * Keys and values of one sequence for every layer, preallocated to the sequence's capacity on the
 * Java heap ({@code [capacity][kvHeads][headDim]} fp32 per layer). Decode steps read and write it
 * directly from Java (one row per step, no engine call per sequence and layer, which dominated
 * batched decode); prefill copies the new rows in and hands the prefix to the engine.
 *
 * <p>Not thread-safe: owned by one sequence, used by the scheduler thread.
 */
public final class KvCache implements AutoCloseable {
  private final float[][] keys;
  private final float[][] values;
  private final int kvHeads;
  private final int headDim;
  private final int capacity;
  private int length;

  /**
   * @param parent unused: the cache lives on the Java heap (kept for symmetry with engine arrays)
   * @param type unused: the cache is fp32
   */
  public KvCache(
      NDManager parent, int layers, int kvHeads, int headDim, int capacity, DataType type) {
    this.keys = new float[layers][capacity * kvHeads * headDim];
    this.values = new float[layers][capacity * kvHeads * headDim];
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.capacity = capacity;
  }

  /** Bytes a cache of this size holds. */
  public static long bytesFor(int layers, int kvHeads, int headDim, int capacity, DataType type) {
    return 2L * layers * kvHeads * (long) capacity * headDim * 4;
  }

  public int capacity() {
    return capacity;
  }

  /** Positions already cached. */
  public int length() {
    return length;
  }

  public long bytes() {
    return bytesFor(keys.length, kvHeads, headDim, capacity, DataType.FLOAT32);
  }

  int rowWidth() {
    return kvHeads * headDim;
  }

  float[] keys(int layer) {
    return keys[layer];
  }

  float[] values(int layer) {
    return values[layer];
  }

  /** Stores {@code k, v [n, kvHeads, headDim]} at positions {@code [start, start + n)}. */
  void write(int layer, int start, NDArray k, NDArray v) {
    int n = Math.toIntExact(k.getShape().get(0));
    checkRoom(start, n);
    float[] kf = k.toType(DataType.FLOAT32, false).toFloatArray();
    float[] vf = v.toType(DataType.FLOAT32, false).toFloatArray();
    System.arraycopy(kf, 0, keys[layer], start * rowWidth(), n * rowWidth());
    System.arraycopy(vf, 0, values[layer], start * rowWidth(), n * rowWidth());
  }

  /** Stores one position's key and value rows (each {@code kvHeads × headDim}). */
  void writeRow(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
    checkRoom(pos, 1);
    System.arraycopy(k, kOff, keys[layer], pos * rowWidth(), rowWidth());
    System.arraycopy(v, vOff, values[layer], pos * rowWidth(), rowWidth());
  }

  private void checkRoom(int start, int n) {
    if (start + n > capacity) {
      throw new IllegalStateException("KV cache overflow: " + (start + n) + " > " + capacity);
    }
  }

  /**
   * Positions {@code [0, len)} as an engine array {@code [kvHeads, len, headDim]} owned by {@code
   * step}.
   */
  NDArray keys(NDManager step, int layer, int len, DataType type) {
    return toEngine(step, keys[layer], len, type);
  }

  NDArray values(NDManager step, int layer, int len, DataType type) {
    return toEngine(step, values[layer], len, type);
  }

  private NDArray toEngine(NDManager step, float[] data, int len, DataType type) {
    NDArray a =
        step.create(FloatBuffer.wrap(data, 0, len * rowWidth()), new Shape(len, kvHeads, headDim))
            .transpose(1, 0, 2);
    return type == DataType.FLOAT32 ? a : a.toType(type, false);
  }

  /** Marks {@code n} more positions as cached (after all layers wrote them). */
  void advance(int n) {
    length += n;
  }

  /** Forgets positions from {@code newLength} on (their slots are overwritten later). */
  public void truncate(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("cannot truncate to " + newLength);
    }
    length = newLength;
  }

  @Override
  public void close() {
    // Java heap only; nothing native to free.
  }
}
