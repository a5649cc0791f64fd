package dev.assistant.llm.backend.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.llm.backend.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImagePreprocessingTest {
  private static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

  private static RgbImage image(int w, int h, java.util.function.IntBinaryOperator value) {
    byte[] px = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          px[(y * w + x) * 3 + c] = (byte) (value.applyAsInt(x, y) + c);
        }
      }
    }
    return new RgbImage(w, h, px);
  }

  private static float normalized(int v, int c) {
    return ((float) (v * (1 / 255.0)) - MEAN[c]) / STD[c];
  }

  @Test
  void centerCropTakesTheMiddleAndNormalizesInFloat32() {
    // 6x4 with shortest edge 4: no resize (long side int(4*6/4) = 6), crop left = (6-4)//2 = 1.
    RgbImage img = image(6, 4, (x, y) -> 10 * x + y);
    float[] out = new ImagePreprocessor(PreprocessorConfig.clip(4), 4).process(img);
    assertEquals(3 * 16, out.length);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          int v = 10 * (x + 1) + y + c;
          assertEquals(
              normalized(v, c), out[c * 16 + y * 4 + x], 0f, "c" + c + " y" + y + " x" + x);
        }
      }
    }
  }

  @Test
  void bicubicHalvingAveragesPairsWithPillowRounding() {
    // 2 -> 1: both taps get weight 1/2; (10 + 21) / 2 = 15.5 rounds half up to 16.
    RgbImage row = new RgbImage(2, 1, new byte[] {10, 10, 10, 21, 21, 21});
    RgbImage out = BicubicResampler.resize(row, 1, 1);
    assertEquals(16, out.get(0, 0, 0));
    // Upscaling a constant image keeps it constant (weights sum to one).
    RgbImage flat = image(3, 3, (x, y) -> 77);
    RgbImage up = BicubicResampler.resize(flat, 7, 5);
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 7; x++) {
        assertEquals(77, up.get(x, y, 0));
      }
    }
    assertEquals(1.0, BicubicResampler.filter(0), 0);
    assertEquals(0.0, BicubicResampler.filter(2), 0);
    assertEquals(-0.0625, BicubicResampler.filter(1.5), 1e-12);
  }

  @Test
  void shortSideResizeTruncatesTheLongSide() {
    // 10x7 to shortest edge 4: long side int(4 * 10 / 7) = 5, then crop 4x4 at left (5-4)//2 = 0.
    RgbImage img = image(10, 7, (x, y) -> 100);
    float[] out = new ImagePreprocessor(PreprocessorConfig.clip(4), 4).process(img);
    assertEquals(normalized(100, 0), out[0], 0f);
    assertEquals(normalized(102, 2), out[2 * 16 + 15], 0f);
  }

  @Test
  void padToSquareCentresTheImageOnTheMeanColour() {
    PreprocessorConfig base = PreprocessorConfig.clip(4);
    PreprocessorConfig pad =
        new PreprocessorConfig(
            false, 4, 0, 0, false, 4, 4, true, 1 / 255.0, false, base.mean(), base.std(), true);
    RgbImage img = image(4, 2, (x, y) -> 200);
    float[] out = new ImagePreprocessor(pad, 4).process(img);
    // Rows 0 and 3 are padding: int(0.48145466 * 255) = 122.
    assertEquals((float) (122 / 255.0), out[0], 1e-7);
    assertEquals((float) (200 / 255.0), out[4], 1e-7);
  }

  private static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  void decodesPngDroppingAlphaAndGreyWithoutGammaShift() throws IOException {
    BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x10203040);
    argb.setRGB(1, 0, 0xff000000 | 0x00ff8001);
    RgbImage rgb = ImageDecoder.decode(png(argb), 1 << 20, 1 << 20);
    assertEquals(0x20, rgb.get(0, 0, 0));
    assertEquals(0x30, rgb.get(0, 0, 1));
    assertEquals(0x40, rgb.get(0, 0, 2));
    assertEquals(0xff, rgb.get(1, 0, 0));
    BufferedImage grey = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(0, 0, 0, 100);
    assertEquals(100, ImageDecoder.decode(png(grey), 1 << 20, 1 << 20).get(0, 0, 1));
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    BufferedImage rgbImg = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    ImageIO.write(rgbImg, "jpeg", jpeg);
    assertEquals(8, ImageDecoder.decode(jpeg.toByteArray(), 1 << 20, 1 << 20).width());
  }

  @Test
  void webpReaderIsRegistered() {
    assertTrue(ImageIO.getImageReadersByFormatName("webp").hasNext(), "TwelveMonkeys WebP plugin");
  }

  @Test
  void corruptTruncatedAndOversizedImagesAreRejectedClearly() throws IOException {
    byte[] ok = png(new BufferedImage(50, 40, BufferedImage.TYPE_INT_RGB));
    InvalidRequestException big =
        assertThrows(InvalidRequestException.class, () -> ImageDecoder.decode(ok, 1 << 20, 1999));
    assertTrue(big.getMessage().contains("50x40"), big.getMessage());
    assertThrows(InvalidRequestException.class, () -> ImageDecoder.decode(ok, 10, 1 << 20));
    byte[] truncated = java.util.Arrays.copyOf(ok, ok.length / 2);
    assertThrows(
        InvalidRequestException.class, () -> ImageDecoder.decode(truncated, 1 << 20, 1 << 20));
    InvalidRequestException garbage =
        assertThrows(
            InvalidRequestException.class,
            () -> ImageDecoder.decode("not an image".getBytes(), 1 << 20, 1 << 20));
    assertTrue(garbage.getMessage().contains("unrecognized format"), garbage.getMessage());
    assertThrows(InvalidRequestException.class, () -> ImageDecoder.decode(new byte[0], 1, 1));
  }
}
