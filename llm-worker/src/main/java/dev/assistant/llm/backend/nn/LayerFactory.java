package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.assistant.llm.quant.QuantizedMatrix;

/**
 * Turns fp32 weights read from a checkpoint into layers in the configured format, one tensor at a
 * time: a quantized layer keeps only codes and scales, so the loader never holds more than one
 * layer in full precision.
 *
 * @param manager owns the engine arrays of the model
 * @param compute activation dtype (fp32 on CPU, fp16 on GPU)
 * @param blockSize weights per quantization scale
 */
public record LayerFactory(
    NDManager manager, WeightFormat format, DataType compute, int blockSize) {

  public Linear linear(float[] weight, int out, int in, float[] bias) {
    if (format.quant().isPresent()) {
      return new QuantizedLinear(
          QuantizedMatrix.quantize(weight, out, in, format.quant().get(), blockSize), bias);
    }
    DataType storage = format == WeightFormat.FP16 ? DataType.FLOAT16 : compute;
    return DenseLinear.create(manager, weight, out, in, bias, storage, compute);
  }

  /** A linear layer that always stays dense (small layers such as the patch embedding). */
  public Linear denseLinear(float[] weight, int out, int in, float[] bias) {
    return DenseLinear.create(manager, weight, out, in, bias, compute, compute);
  }

  public EmbeddingTable embedding(float[] table, int rows, int dim) {
    if (format.quant().isPresent()) {
      return EmbeddingTable.quantized(
          QuantizedMatrix.quantize(table, rows, dim, format.quant().get(), blockSize));
    }
    return format == WeightFormat.FP16
        ? EmbeddingTable.fp16(table, rows, dim)
        : EmbeddingTable.fp32(table, rows, dim);
  }

  /** A parameter kept as is in the compute dtype (norm scales, biases, position tables). */
  public NDArray tensor(float[] values, long... shape) {
    NDArray a = manager.create(values, new Shape(shape));
    if (compute != DataType.FLOAT32) {
      NDArray c = a.toType(compute, false);
      a.close();
      return c;
    }
    return a;
  }

  /** Concatenates row-major matrices with equal column counts along the row axis. */
  public static float[] stackRows(float[]... parts) {
    int total = 0;
    for (float[] p : parts) {
      total += p.length;
    }
    float[] out = new float[total];
    int off = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }
}
