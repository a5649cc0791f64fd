package dev.assistant.llm.quant;

/**
 * Weight-only quantization formats. Every format stores one scale per block of {@code blockSize}
 * consecutive weights of a row (block-wise absmax), so an outlier only coarsens its own block.
 */
public enum QuantFormat {
  /**
   * bitsandbytes-style NormalFloat 4-bit: each code indexes the 16-entry NF4 code book (values in
   * [-1, 1], spaced for normally distributed weights); the block scale is the block's absmax.
   */
  NF4(4),
  /**
   * Linear symmetric 4-bit: code c in 1..15 means (c - 8) · step, step = absmax / 7. Code 0 is
   * unused so that the grid is symmetric around zero.
   */
  Q4(4),
  /** Symmetric 8-bit: code q in -127..127 means q · step, step = absmax / 127. */
  INT8(8);

  private final int bitsPerCode;

  QuantFormat(int bitsPerCode) {
    this.bitsPerCode = bitsPerCode;
  }

  /**
   * Bits of one packed code (the scales come on top, see {@link QuantizedMatrix#residentBytes}).
   */
  public int bitsPerCode() {
    return bitsPerCode;
  }

  /**
   * Worst-case absolute dequantization error of one weight as a fraction of its block's absmax,
   * ignoring float rounding: half a step for the linear formats, half the widest code-book gap for
   * NF4.
   */
  public double maxRelativeError() {
    return switch (this) {
      case NF4 -> Nf4CodeBook.widestGap() / 2;
      case Q4 -> 1.0 / (2 * 7);
      case INT8 -> 1.0 / (2 * 127);
    };
  }
}
