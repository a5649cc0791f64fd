package dev.assistant.llm.quant;

/** The 16 NormalFloat-4 levels of QLoRA / bitsandbytes, ascending, and nearest-level search. */
final class Nf4CodeBook {

  /** The bitsandbytes NF4 table; index = code. Code 7 is exactly zero (used for padding). */
  static final float[] LEVELS = {
    -1.0f,
    -0.6961928009986877f,
    -0.5250730514526367f,
    -0.39491748809814453f,
    -0.28444138169288635f,
    -0.18477343022823334f,
    -0.09105003625154495f,
    0.0f,
    0.07958029955625534f,
    0.16093020141124725f,
    0.24611230194568634f,
    0.33791524171829224f,
    0.44070982933044434f,
    0.5626170039176941f,
    0.7229568362236023f,
    1.0f
  };

  static final int ZERO_CODE = 7;

  /** Midpoints between neighbouring levels: a value below MIDPOINTS[i] maps to a code ≤ i. */
  private static final float[] MIDPOINTS = new float[15];

  static {
    for (int i = 0; i < MIDPOINTS.length; i++) {
      MIDPOINTS[i] = (LEVELS[i] + LEVELS[i + 1]) / 2;
    }
  }

  private Nf4CodeBook() {}

  /** Code of the level nearest to {@code normalized} (a weight divided by its block absmax). */
  static int nearestCode(float normalized) {
    int lo = 0;
    int hi = MIDPOINTS.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (normalized > MIDPOINTS[mid]) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  static double widestGap() {
    double gap = 0;
    for (int i = 0; i + 1 < LEVELS.length; i++) {
      gap = Math.max(gap, (double) LEVELS[i + 1] - LEVELS[i]);
    }
    return gap;
  }
}
