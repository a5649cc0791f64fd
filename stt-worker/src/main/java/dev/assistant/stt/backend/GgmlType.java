package dev.assistant.stt.backend;

import java.util.Optional;

/** ggml tensor element types that Whisper files use, with their on-disk block layout. */
public enum GgmlType {
  F32(0, 1, 4, 0),
  F16(1, 1, 2, 1),
  Q4_0(2, 32, 18, 1),
  Q4_1(3, 32, 20, 2),
  Q5_0(6, 32, 22, 1),
  Q5_1(7, 32, 24, 2),
  Q8_0(8, 32, 34, 1);

  private final int id;
  private final int blockElements;
  private final int blockBytes;
  private final int halfCount;

  GgmlType(int id, int blockElements, int blockBytes, int halfCount) {
    this.id = id;
    this.blockElements = blockElements;
    this.blockBytes = blockBytes;
    this.halfCount = halfCount;
  }

  /** Bytes of one block. */
  public int blockBytes() {
    return blockBytes;
  }

  /**
   * F16 values at the start of each block: the value itself for F16, the scale (and minimum for the
   * "_1" types) of quantized blocks.
   */
  public int scaleCount() {
    return halfCount;
  }

  public int id() {
    return id;
  }

  public int blockElements() {
    return blockElements;
  }

  /** Bytes of a row of {@code elements} values; the caller checks divisibility by the block. */
  public long bytes(long elements) {
    return elements / blockElements * blockBytes;
  }

  public static Optional<GgmlType> byId(int id) {
    for (GgmlType t : values()) {
      if (t.id == id) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * Weight type of a model file's {@code ftype} (after removing the quantization version). F32
   * models are deliberately absent: their F32 convolutions abort whisper.cpp 1.7.1 on CPU.
   */
  public static Optional<GgmlType> weightTypeOfFtype(int ftype) {
    switch (ftype) {
      case 1:
        return Optional.of(F16);
      case 2:
        return Optional.of(Q4_0);
      case 3:
        return Optional.of(Q4_1);
      case 7:
        return Optional.of(Q8_0);
      case 8:
        return Optional.of(Q5_0);
      case 9:
        return Optional.of(Q5_1);
      default:
        return Optional.empty();
    }
  }
}
