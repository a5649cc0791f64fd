package dev.assistant.llm.quant;

import static dev.assistant.llm.quant.Lanes.B;
import static dev.assistant.llm.quant.Lanes.F;
import static dev.assistant.llm.quant.Lanes.I;
import static dev.assistant.llm.quant.Lanes.L;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link QuantFormat#INT8}: one signed byte per weight, {@code w ≈ code · step}, rows stored back
 * to back ({@code codes[row · cols + col]}). Kernel: byte→float conversion and an FMA per lane, one
 * scale multiply per block.
 */
final class Int8Matrix extends BlockQuantizedMatrix {

  Int8Matrix(int rows, int cols, int blockSize, boolean vector) {
    super(rows, cols, blockSize, vector, cols);
  }

  @Override
  public QuantFormat format() {
    return QuantFormat.INT8;
  }

  @Override
  float encodeBlock(float[] weights, int base, int row, int start, int end, float absmax) {
    if (absmax == 0) {
      return 0; // codes already 0
    }
    float step = absmax / 127;
    for (int j = start; j < end; j++) {
      int q = Math.round(weights[base + j] / step);
      codes[base + j] = (byte) Math.max(-127, Math.min(127, q));
    }
    return step;
  }

  @Override
  void matVecRows(float[] x, float[] y, int rowStart, int rowEnd) {
    for (int r = rowStart; r < rowEnd; r++) {
      y[r] = vector ? dotRowVector(r, x) : dotRowScalar(r, x);
    }
  }

  private float dotRowVector(int row, float[] x) {
    int base = row * cols;
    int scaleBase = row * blocksPerRow;
    FloatVector acc = FloatVector.zero(F);
    float tail = 0;
    for (int b = 0; b < blocksPerRow; b++) {
      int start = b * blockSize;
      int end = Math.min(cols, start + blockSize);
      float scale = scales[scaleBase + b];
      // two chains per block so consecutive FMAs do not wait on each other
      FloatVector s0 = FloatVector.zero(F);
      FloatVector s1 = FloatVector.zero(F);
      int j = start;
      for (; j + 2 * L <= end; j += 2 * L) {
        s0 = codesAsFloats(base + j).fma(FloatVector.fromArray(F, x, j), s0);
        s1 = codesAsFloats(base + j + L).fma(FloatVector.fromArray(F, x, j + L), s1);
      }
      for (; j + L <= end; j += L) {
        s0 = codesAsFloats(base + j).fma(FloatVector.fromArray(F, x, j), s0);
      }
      acc = s0.add(s1).fma(FloatVector.broadcast(F, scale), acc);
      if (j < end) {
        float partial = 0;
        for (; j < end; j++) {
          partial += codes[base + j] * x[j];
        }
        tail += scale * partial;
      }
    }
    return acc.reduceLanes(VectorOperators.ADD) + tail;
  }

  private FloatVector codesAsFloats(int offset) {
    // via int lanes: B2I and I2F are each one instruction; JDK 17 compiles B2F less well
    return (FloatVector)
        ByteVector.fromArray(B, codes, offset)
            .convertShape(VectorOperators.B2I, I, 0)
            .convert(VectorOperators.I2F, 0);
  }

  private float dotRowScalar(int row, float[] x) {
    int base = row * cols;
    float sum = 0;
    for (int b = 0; b < blocksPerRow; b++) {
      int start = b * blockSize;
      int end = Math.min(cols, start + blockSize);
      float partial = 0;
      for (int j = start; j < end; j++) {
        partial += codes[base + j] * x[j];
      }
      sum += scales[row * blocksPerRow + b] * partial;
    }
    return sum;
  }

  @Override
  void decodeRow(int row, float[] dst, int dstOff) {
    int base = row * cols;
    for (int b = 0; b < blocksPerRow; b++) {
      int start = b * blockSize;
      int end = Math.min(cols, start + blockSize);
      float scale = scales[row * blocksPerRow + b];
      int j = start;
      if (vector) {
        for (; j + L <= end; j += L) {
          codesAsFloats(base + j).mul(scale).intoArray(dst, dstOff + j);
        }
      }
      for (; j < end; j++) {
        dst[dstOff + j] = codes[base + j] * scale;
      }
    }
  }
}
