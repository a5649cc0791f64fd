package dev.assistant.llm.backend.nn;

import dev.assistant.common.numeric.Half;
import dev.assistant.llm.quant.QuantizedMatrix;

/**
 * Token embeddings held in Java memory in the model's weight format; rows are gathered on the Java
 * side (a lookup is a copy, cheaper than an engine call per step).
 *
 * <p>Thread-safety: immutable; concurrent lookups are safe.
 */
public interface EmbeddingTable {
  int rows();

  int dim();

  /** Copies row {@code id} into {@code dst[off, off + dim)}. */
  void row(int id, float[] dst, int off);

  long residentBytes();

  /** The quantized matrix behind the table, for a tied LM head; null when dense. */
  default QuantizedMatrix quantized() {
    return null;
  }

  static EmbeddingTable fp32(float[] table, int rows, int dim) {
    return new EmbeddingTable() {
      @Override
      public int rows() {
        return rows;
      }

      @Override
      public int dim() {
        return dim;
      }

      @Override
      public void row(int id, float[] dst, int off) {
        System.arraycopy(table, id * dim, dst, off, dim);
      }

      @Override
      public long residentBytes() {
        return 4L * table.length;
      }
    };
  }

  static EmbeddingTable fp16(float[] table, int rows, int dim) {
    short[] half = new short[table.length];
    for (int i = 0; i < table.length; i++) {
      half[i] = Half.floatToF16(table[i]);
    }
    return new EmbeddingTable() {
      @Override
      public int rows() {
        return rows;
      }

      @Override
      public int dim() {
        return dim;
      }

      @Override
      public void row(int id, float[] dst, int off) {
        int base = id * dim;
        for (int i = 0; i < dim; i++) {
          dst[off + i] = Half.f16ToFloat(half[base + i]);
        }
      }

      @Override
      public long residentBytes() {
        return 2L * half.length;
      }
    };
  }

  static EmbeddingTable quantized(QuantizedMatrix m) {
    return new EmbeddingTable() {
      @Override
      public int rows() {
        return m.rows();
      }

      @Override
      public int dim() {
        return m.cols();
      }

      @Override
      public void row(int id, float[] dst, int off) {
        float[] tmp = new float[m.cols()];
        m.dequantizeRows(id, id + 1, tmp);
        System.arraycopy(tmp, 0, dst, off, tmp.length);
      }

      @Override
      public long residentBytes() {
        return m.residentBytes();
      }

      @Override
      public QuantizedMatrix quantized() {
        return m;
      }
    };
  }
}
