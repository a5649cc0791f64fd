package dev.assistant.llm.backend.image;

/** An 8-bit RGB image, row-major interleaved ({@code [y][x][c]}), values 0..255. */
public record RgbImage(int width, int height, byte[] pixels) {
  public RgbImage {
    if (width <= 0 || height <= 0 || pixels.length != 3L * width * height) {
      throw new IllegalArgumentException("bad image dimensions " + width + "x" + height);
    }
  }

  public int get(int x, int y, int c) {
    return pixels[(y * width + x) * 3 + c] & 0xff;
  }
}
