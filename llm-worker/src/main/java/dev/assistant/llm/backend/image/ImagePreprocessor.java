package dev.assistant.llm.backend.image;

/**
 * The CLIP image processor as configured by a checkpoint: optional pad-to-square with the mean
 * colour, short-side bicubic resize (long side truncated with {@code int()}), center crop at {@code
 * ((H − h) // 2, (W − w) // 2)}, rescale and normalize in float32, CHW output.
 *
 * <p>Thread-safety: immutable.
 */
public final class ImagePreprocessor {
  private final PreprocessorConfig config;
  private final int size;

  public ImagePreprocessor(PreprocessorConfig config, int imageSize) {
    this.config = config;
    this.size = imageSize;
  }

  public int imageSize() {
    return size;
  }

  /** Normalized pixels {@code [3][size][size]}. */
  public float[] process(RgbImage image) {
    RgbImage img = config.padToSquare() ? padToSquare(image) : image;
    if (config.resize()) {
      int w = img.width();
      int h = img.height();
      int newW;
      int newH;
      if (config.shortestEdge() > 0) {
        int s = config.shortestEdge();
        if (w <= h) {
          newW = s;
          newH = (int) ((long) s * h / w);
        } else {
          newH = s;
          newW = (int) ((long) s * w / h);
        }
      } else {
        newW = config.resizeWidth();
        newH = config.resizeHeight();
      }
      img = BicubicResampler.resize(img, newW, newH);
    }
    int outH = config.centerCrop() ? config.cropHeight() : img.height();
    int outW = config.centerCrop() ? config.cropWidth() : img.width();
    if (outH != size || outW != size) {
      throw new IllegalStateException(
          "processed image is " + outW + "x" + outH + ", expected " + size);
    }
    int top = config.centerCrop() ? Math.floorDiv(img.height() - outH, 2) : 0;
    int left = config.centerCrop() ? Math.floorDiv(img.width() - outW, 2) : 0;
    float[] mean = config.mean();
    float[] std = config.std();
    float[] out = new float[3 * size * size];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          int sy = y + top;
          int sx = x + left;
          int v =
              sy >= 0 && sy < img.height() && sx >= 0 && sx < img.width() ? img.get(sx, sy, c) : 0;
          float f = config.rescale() ? (float) (v * config.rescaleFactor()) : v;
          if (config.normalize()) {
            f = (f - mean[c]) / std[c];
          }
          out[c * size * size + y * size + x] = f;
        }
      }
    }
    return out;
  }

  /** LLaVA-1.5's {@code expand2square}: centre the image on a square of the mean colour. */
  RgbImage padToSquare(RgbImage img) {
    int w = img.width();
    int h = img.height();
    if (w == h) {
      return img;
    }
    int s = Math.max(w, h);
    float[] mean = config.mean();
    byte[] out = new byte[3 * s * s];
    for (int i = 0; i < s * s; i++) {
      for (int c = 0; c < 3; c++) {
        out[i * 3 + c] = (byte) (int) (mean[c] * 255);
      }
    }
    int ox = (s - w) / 2;
    int oy = (s - h) / 2;
    for (int y = 0; y < h; y++) {
      System.arraycopy(img.pixels(), y * w * 3, out, ((y + oy) * s + ox) * 3, w * 3);
    }
    return new RgbImage(s, s, out);
  }
}
