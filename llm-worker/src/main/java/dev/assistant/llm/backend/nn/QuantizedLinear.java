package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.assistant.llm.quant.QuantizedMatrix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A linear layer over quantized weights. Few rows (decode steps, up to {@link #KERNEL_MAX_ROWS}
 * sequences) go through the fused Java kernel, which reads the packed codes once per call and never
 * materializes fp32 weights. Many rows (prefill, image features) dequantize a band of rows at a
 * time into a reused per-thread buffer and multiply on the engine, so no full-precision copy of the
 * layer ever exists.
 */
public final class QuantizedLinear implements Linear {
  /** Above this many input rows a dense product on dequantized bands is faster. */
  static final int KERNEL_MAX_ROWS = 16;

  /** Floats in one dequantized band (16 MiB), reused per thread across all layers. */
  static final int BAND_FLOATS = 4 << 20;

  private static final ThreadLocal<float[]> BAND =
      ThreadLocal.withInitial(() -> new float[BAND_FLOATS]);

  /**
   * The band's native staging memory, reused: the engine wraps a direct buffer without copying,
   * whereas a new array per band would leave a direct buffer behind for the garbage collector each
   * time (gigabytes of native memory between collections during prefill).
   */
  private static final ThreadLocal<ByteBuffer> BAND_NATIVE =
      ThreadLocal.withInitial(
          () -> ByteBuffer.allocateDirect(BAND_FLOATS * 4).order(ByteOrder.nativeOrder()));

  private final QuantizedMatrix weight;
  private final float[] bias;

  /** A layer over {@code weight}, which may be shared (a tied LM head shares the embedding's). */
  public QuantizedLinear(QuantizedMatrix weight, float[] bias) {
    if (bias != null && bias.length != weight.rows()) {
      throw new IllegalArgumentException(
          "bias length " + bias.length + " != rows " + weight.rows());
    }
    this.weight = weight;
    this.bias = bias;
  }

  public QuantizedMatrix weight() {
    return weight;
  }

  @Override
  public int in() {
    return weight.cols();
  }

  @Override
  public int out() {
    return weight.rows();
  }

  @Override
  public NDArray forward(NDArray x) {
    int n = Math.toIntExact(x.getShape().get(0));
    return n <= KERNEL_MAX_ROWS ? kernel(x, n) : banded(x);
  }

  private NDArray kernel(NDArray x, int n) {
    DataType type = x.getDataType();
    float[] xs = (type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false)).toFloatArray();
    int rows = weight.rows();
    float[] y = new float[n * rows];
    if (n == 1) {
      weight.matVec(xs, y);
    } else {
      weight.matMul(xs, n, y);
    }
    if (bias != null) {
      for (int b = 0; b < n; b++) {
        for (int r = 0; r < rows; r++) {
          y[b * rows + r] += bias[r];
        }
      }
    }
    NDArray out = x.getManager().create(y, new Shape(n, rows));
    return type == DataType.FLOAT32 ? out : out.toType(type, false);
  }

  private NDArray banded(NDArray x) {
    NDManager m = x.getManager();
    int cols = weight.cols();
    int rows = weight.rows();
    int bandRows = Math.max(1, Math.min(rows, BAND_FLOATS / cols));
    float[] buf = BAND.get();
    ByteBuffer staging = BAND_NATIVE.get();
    NDList parts = new NDList();
    for (int r0 = 0; r0 < rows; r0 += bandRows) {
      int r1 = Math.min(rows, r0 + bandRows);
      int count = (r1 - r0) * cols;
      weight.dequantizeRows(r0, r1, buf);
      staging.clear();
      staging.asFloatBuffer().put(buf, 0, count);
      ByteBuffer view = staging.duplicate().order(ByteOrder.nativeOrder());
      view.limit(count * 4);
      // The band may alias the staging memory: it is closed before the next band is written.
      try (NDManager bandScope = m.newSubManager()) {
        NDArray band = bandScope.create(view, new Shape(r1 - r0, cols), DataType.FLOAT32);
        if (band.getDataType() != x.getDataType()) {
          band = band.toType(x.getDataType(), false);
        }
        NDArray product = x.matMul(band.transpose());
        parts.add(product);
      }
    }
    NDArray y = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
    if (bias != null) {
      y = y.add(m.create(bias).toType(x.getDataType(), false));
    }
    return y;
  }

  @Override
  public long residentBytes() {
    return weight.residentBytes() + (bias == null ? 0 : 4L * bias.length);
  }

  @Override
  public void close() {
    // Codes and scales live on the Java heap: nothing native to free.
  }
}
