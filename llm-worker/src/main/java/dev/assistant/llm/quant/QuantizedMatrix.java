package dev.assistant.llm.quant;

/**
 * A row-major weight matrix {@code [rows = out_features][cols = in_features]} (the layout of {@code
 * torch.nn.Linear.weight}) with fused kernels that multiply by it without materializing the
 * full-precision matrix.
 *
 * <p>Thread-safety: instances are immutable after construction; any number of threads may call the
 * kernels at once. Each call parallelizes over row ranges on the shared kernel pool (see {@link
 * QuantKernels#setParallelism}); concurrent callers that find the pool busy run their call on their
 * own thread instead of waiting. {@code x} and {@code y} must not overlap.
 */
public interface QuantizedMatrix {

  /** Output features. */
  int rows();

  /** Input features. */
  int cols();

  /** Storage format; {@code null} for {@link FloatMatrix}, which is not quantized. */
  QuantFormat format();

  /** Weights per scale (a row's last block may be shorter); 0 for {@link FloatMatrix}. */
  int blockSize();

  /** Bytes held by the weights: packed codes plus scales (array headers not counted). */
  long residentBytes();

  /**
   * {@code y[0..rows) = W · x[0..cols)}. Arrays may be longer than needed; extra elements are
   * neither read nor written.
   */
  void matVec(float[] x, float[] y);

  /**
   * Batched product: {@code x} holds {@code batch} row-major vectors of {@code cols}, {@code y}
   * receives {@code batch} row-major vectors of {@code rows}: {@code y[b] = W · x[b]}. Weights are
   * read from memory once per call whatever the batch, so decode steps of several sequences cost
   * little more than one.
   */
  void matMul(float[] x, int batch, float[] y);

  /**
   * Writes rows {@code [rowStart, rowEnd)} dequantized to fp32 into {@code dst}, row-major starting
   * at index 0 ({@code (rowEnd - rowStart) · cols} floats) — for prefill, where a reused buffer and
   * a dense matrix product beat many matrix-vector products.
   */
  void dequantizeRows(int rowStart, int rowEnd, float[] dst);

  /**
   * Quantizes a row-major fp32 matrix.
   *
   * @param blockSize weights per scale: a positive multiple of 32 (the packed 4-bit layout
   *     interleaves groups of 32); 64 matches bitsandbytes' default
   * @throws IllegalArgumentException on bad shapes, a bad block size, or a NaN/infinite weight
   *     (named with its row and column)
   */
  static QuantizedMatrix quantize(
      float[] weights, int rows, int cols, QuantFormat format, int blockSize) {
    return BlockQuantizedMatrix.quantize(weights, rows, cols, format, blockSize);
  }
}
