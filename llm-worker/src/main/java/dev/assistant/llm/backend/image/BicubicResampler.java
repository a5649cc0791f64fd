package dev.assistant.llm.backend.image;

/**
 * Bicubic resize matching Pillow's {@code Image.resize(..., BICUBIC)}, which the Hugging Face CLIP
 * processor uses: a separable filter (a = -0.5) widened by the scale factor when shrinking
 * (antialiasing), horizontal pass first, each pass in 22-bit fixed point rounded and clamped to 8
 * bits.
 */
public final class BicubicResampler {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final double SUPPORT = 2.0;

  private BicubicResampler() {}

  static double filter(double x) {
    double a = -0.5;
    x = Math.abs(x);
    if (x < 1) {
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    }
    if (x < 2) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0;
  }

  /** Per output index: first input index, then fixed-point weights. */
  private record Coefficients(int[] start, int[][] weights) {}

  private static Coefficients coefficients(int inSize, int outSize) {
    double scale = (double) inSize / outSize;
    double filterScale = Math.max(scale, 1.0);
    double support = SUPPORT * filterScale;
    int[] start = new int[outSize];
    int[][] weights = new int[outSize][];
    for (int xx = 0; xx < outSize; xx++) {
      double center = (xx + 0.5) * scale;
      double ss = 1.0 / filterScale;
      int xmin = Math.max((int) (center - support + 0.5), 0);
      int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
      double[] k = new double[xmax];
      double ww = 0;
      for (int x = 0; x < xmax; x++) {
        double w = filter((x + xmin - center + 0.5) * ss);
        k[x] = w;
        ww += w;
      }
      int[] fixed = new int[xmax];
      for (int x = 0; x < xmax; x++) {
        double v = ww != 0 ? k[x] / ww : 0;
        fixed[x] =
            (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
      }
      start[xx] = xmin;
      weights[xx] = fixed;
    }
    return new Coefficients(start, weights);
  }

  private static int clip8(long v) {
    long shifted = v >> PRECISION_BITS;
    return (int) Math.max(0, Math.min(255, shifted));
  }

  public static RgbImage resize(RgbImage src, int outWidth, int outHeight) {
    RgbImage img = src;
    if (outWidth != img.width()) {
      img = horizontal(img, outWidth);
    }
    if (outHeight != img.height()) {
      img = vertical(img, outHeight);
    }
    return img;
  }

  private static RgbImage horizontal(RgbImage in, int outW) {
    Coefficients co = coefficients(in.width(), outW);
    int h = in.height();
    byte[] out = new byte[3 * outW * h];
    for (int y = 0; y < h; y++) {
      for (int xx = 0; xx < outW; xx++) {
        int[] k = co.weights[xx];
        int x0 = co.start[xx];
        for (int c = 0; c < 3; c++) {
          long ss = 1L << (PRECISION_BITS - 1);
          for (int x = 0; x < k.length; x++) {
            ss += (long) in.get(x0 + x, y, c) * k[x];
          }
          out[(y * outW + xx) * 3 + c] = (byte) clip8(ss);
        }
      }
    }
    return new RgbImage(outW, h, out);
  }

  private static RgbImage vertical(RgbImage in, int outH) {
    Coefficients co = coefficients(in.height(), outH);
    int w = in.width();
    byte[] out = new byte[3 * w * outH];
    for (int yy = 0; yy < outH; yy++) {
      int[] k = co.weights[yy];
      int y0 = co.start[yy];
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          long ss = 1L << (PRECISION_BITS - 1);
          for (int y = 0; y < k.length; y++) {
            ss += (long) in.get(x, y0 + y, c) * k[y];
          }
          out[(yy * w + x) * 3 + c] = (byte) clip8(ss);
        }
      }
    }
    return new RgbImage(w, outH, out);
  }
}
