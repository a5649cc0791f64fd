package dev.assistant.chaos;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Inputs the load sends: speech-like audio and inputs that a stage must refuse. */
final class TestInputs {
  static final int RATE = 16_000;

  private TestInputs() {}

  /** Raw 16-bit mono PCM at 16 kHz: a gliding tone with some noise. */
  static byte[] pcm16(double seconds, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = (int) (seconds * RATE);
    ByteBuffer b = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
    double phase = 0;
    for (int i = 0; i < n; i++) {
      double f = 180 + 120 * Math.sin(2 * Math.PI * i / (double) RATE);
      phase += 2 * Math.PI * f / RATE;
      double v = 0.3 * Math.sin(phase) + 0.02 * (random.nextDouble() - 0.5);
      b.putShort((short) Math.round(v * 32767));
    }
    return b.array();
  }

  /** The same PCM in a RIFF/WAVE container. */
  static byte[] wav(byte[] pcm) {
    ByteBuffer b = ByteBuffer.allocate(44 + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + pcm.length);
    b.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    b.putShort((short) 1).putShort((short) 1).putInt(RATE).putInt(RATE * 2);
    b.putShort((short) 2).putShort((short) 16);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(pcm.length).put(pcm);
    return b.array();
  }

  /** A FLAC signature followed by noise: the recognizer's decoder refuses it. */
  static byte[] corruptFlac(long seed) {
    byte[] data = new byte[8 * 1024];
    new SplittableRandom(seed).nextBytes(data);
    System.arraycopy("fLaC".getBytes(StandardCharsets.US_ASCII), 0, data, 0, 4);
    return data;
  }

  /** A real PNG cut off half-way: its signature passes the gateway, the model cannot decode it. */
  static byte[] truncatedPng() {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    SplittableRandom random = new SplittableRandom(5);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] png = out.toByteArray();
    return Arrays.copyOf(png, png.length / 2);
  }
}
