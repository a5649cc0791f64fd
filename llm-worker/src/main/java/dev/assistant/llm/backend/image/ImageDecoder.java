package dev.assistant.llm.backend.image;

import dev.assistant.llm.backend.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG, JPEG and WebP (TwelveMonkeys' ImageIO plugin) into 8-bit RGB. Dimensions are read
 * from the header before any pixel is decoded, so an oversized image is refused without allocating
 * it; alpha is dropped as Pillow's {@code convert("RGB")} does; grey images are read from the
 * raster (ImageIO's RGB conversion would gamma-shift them).
 */
public final class ImageDecoder {
  static {
    ImageIO.scanForPlugins();
    ImageIO.setUseCache(false);
  }

  private ImageDecoder() {}

  public static RgbImage decode(byte[] data, long maxBytes, long maxPixels) {
    if (data.length == 0) {
      throw new InvalidRequestException("image: empty");
    }
    if (data.length > maxBytes) {
      throw new InvalidRequestException(
          "image: " + data.length + " bytes exceeds the limit of " + maxBytes);
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new InvalidRequestException(
            "image: unrecognized format (PNG, JPEG and WebP are accepted)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w <= 0 || h <= 0) {
          throw new InvalidRequestException("image: invalid dimensions " + w + "x" + h);
        }
        if (w * h > maxPixels) {
          throw new InvalidRequestException(
              "image: " + w + "x" + h + " exceeds the limit of " + maxPixels + " pixels");
        }
        return toRgb(reader.read(0));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidRequestException ire) {
        throw ire;
      }
      throw new InvalidRequestException("image: corrupt or truncated (" + e.getMessage() + ")", e);
    }
  }

  static RgbImage toRgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] out = new byte[3 * w * h];
    Raster raster = img.getRaster();
    int bands = raster.getNumBands();
    boolean grey =
        bands <= 2
            && raster.getSampleModel().getSampleSize(0) == 8
            && img.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int o = (y * w + x) * 3;
        if (grey) {
          byte v = (byte) raster.getSample(x, y, 0);
          out[o] = v;
          out[o + 1] = v;
          out[o + 2] = v;
        } else {
          int argb = img.getRGB(x, y);
          out[o] = (byte) (argb >> 16);
          out[o + 1] = (byte) (argb >> 8);
          out[o + 2] = (byte) argb;
        }
      }
    }
    return new RgbImage(w, h, out);
  }
}
