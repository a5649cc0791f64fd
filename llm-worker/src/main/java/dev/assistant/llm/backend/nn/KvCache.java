package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of one sequence for every layer, preallocated to the sequence's capacity ({@code
 * [kvHeads, capacity, headDim]} per layer) so that a decode step writes in place and reads a prefix
 * view, with no reallocation or copy of earlier positions.
 *
 * <p>Not thread-safe: owned by one sequence, used by the scheduler thread.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final int capacity;
  private final long bytes;
  private int length;

  public KvCache(
      NDManager parent, int layers, int kvHeads, int headDim, int capacity, DataType type) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    this.capacity = capacity;
    Shape shape = new Shape(kvHeads, capacity, headDim);
    for (int l = 0; l < layers; l++) {
      keys[l] = manager.zeros(shape, type);
      values[l] = manager.zeros(shape, type);
    }
    this.bytes = 2L * layers * shape.size() * type.getNumOfBytes();
  }

  /** Bytes a cache of this size holds. */
  public static long bytesFor(int layers, int kvHeads, int headDim, int capacity, DataType type) {
    return 2L * layers * kvHeads * (long) capacity * headDim * type.getNumOfBytes();
  }

  public int capacity() {
    return capacity;
  }

  /** Positions already cached. */
  public int length() {
    return length;
  }

  public long bytes() {
    return bytes;
  }

  /** Stores {@code k, v [n, kvHeads, headDim]} at positions {@code [start, start + n)}. */
  void write(int layer, int start, NDArray k, NDArray v) {
    long n = k.getShape().get(0);
    if (start + n > capacity) {
      throw new IllegalStateException("KV cache overflow: " + (start + n) + " > " + capacity);
    }
    NDIndex where = new NDIndex(":, {}:{}, :", start, start + n);
    keys[layer].set(where, k.transpose(1, 0, 2));
    values[layer].set(where, v.transpose(1, 0, 2));
  }

  /**
   * Views of positions {@code [0, len)} as {@code [kvHeads, len, headDim]}, owned by {@code step}.
   */
  NDArray keys(NDManager step, int layer, int len) {
    return keys[layer].get(step, new NDIndex(":, :{}, :", len));
  }

  NDArray values(NDManager step, int layer, int len) {
    return values[layer].get(step, new NDIndex(":, :{}, :", len));
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
    manager.close();
  }
}
