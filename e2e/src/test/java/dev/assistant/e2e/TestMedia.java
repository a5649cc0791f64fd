package dev.assistant.e2e;

import dev.assistant.audio.WavWriter;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Inputs generated in the test: speech-like audio, pictures and deliberately broken files. */
final class TestMedia {
  /** Not 16 kHz on purpose: the recognizer must resample. */
  static final int WAV_RATE = 22_050;

  private TestMedia() {}

  /**
   * Syllables of a voiced, speech-like signal at {@link #WAV_RATE}: a gliding pitch with harmonics
   * shaped by two moving formant-like peaks, 0.3 s voiced and 0.15 s silent, deterministic.
   */
  static float[] speechLike(double seconds) {
    float[] x = new float[(int) Math.round(seconds * WAV_RATE)];
    double phase = 0;
    for (int i = 0; i < x.length; i++) {
      double t = i / (double) WAV_RATE;
      double inSyllable = t % 0.45;
      double pitch = 110 + 25 * Math.sin(2 * Math.PI * 0.5 * t);
      phase += 2 * Math.PI * pitch / WAV_RATE;
      if (inSyllable > 0.3) {
        continue;
      }
      double formant1 = 500 + 250 * Math.sin(2 * Math.PI * 1.3 * t);
      double formant2 = 1500 + 600 * Math.cos(2 * Math.PI * 0.9 * t);
      double v = 0;
      for (int h = 1; h * pitch < 4000; h++) {
        double f = h * pitch;
        double gain = peak(f, formant1, 150) + 0.6 * peak(f, formant2, 250) + 0.05;
        v += gain * Math.sin(h * phase) / Math.sqrt(h);
      }
      double envelope = Math.sin(Math.PI * inSyllable / 0.3);
      x[i] = (float) (0.12 * v * envelope);
    }
    return x;
  }

  private static double peak(double f, double centre, double width) {
    double d = (f - centre) / width;
    return Math.exp(-d * d);
  }

  /** A canonical 44-byte-header PCM16 mono WAV of {@link #speechLike}. */
  static byte[] speechWav(double seconds) {
    return WavWriter.toWav(speechLike(seconds), WAV_RATE);
  }

  /** A small PNG picture: sky, ground and a sun. */
  static byte[] png() {
    BufferedImage img = new BufferedImage(48, 36, BufferedImage.TYPE_INT_RGB);
    var g = img.createGraphics();
    g.setColor(new Color(90, 150, 230));
    g.fillRect(0, 0, 48, 24);
    g.setColor(new Color(60, 140, 60));
    g.fillRect(0, 24, 48, 12);
    g.setColor(Color.YELLOW);
    g.fillOval(30, 4, 10, 10);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A PNG cut off in the middle of its image data: the signature passes, decoding cannot. */
  static byte[] truncatedPng() {
    byte[] png = png();
    return Arrays.copyOf(png, png.length / 2);
  }

  /** PNG signature followed by noise, larger than the gateway's image limit. */
  static byte[] oversizedPng() {
    byte[] data = new byte[EndToEndPipeline.MAX_IMAGE_BYTES + 1024];
    new SplittableRandom(3).nextBytes(data);
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    System.arraycopy(signature, 0, data, 0, signature.length);
    return data;
  }

  /** The FLAC magic and a plausible size, then noise: the gateway's format check passes. */
  static byte[] corruptFlac() {
    byte[] data = new byte[16 * 1024];
    new SplittableRandom(11).nextBytes(data);
    System.arraycopy("fLaC".getBytes(StandardCharsets.US_ASCII), 0, data, 0, 4);
    return data;
  }

  /** Encodes {@code wav} to FLAC with Debian's {@code flac} tool. */
  static byte[] flac(byte[] wav, Path workDir) throws Exception {
    DebianTool.require("flac", "flac");
    Path in = Files.write(workDir.resolve("speech-for-flac.wav"), wav);
    Path out = workDir.resolve("speech.flac");
    return DebianTool.run(out, "flac", "--silent", "--force", "-o", out.toString(), in.toString());
  }

  /** Encodes {@code wav} to MP3 with Debian's {@code lame} tool. */
  static byte[] mp3(byte[] wav, Path workDir) throws Exception {
    DebianTool.require("lame", "lame");
    Path in = Files.write(workDir.resolve("speech-for-mp3.wav"), wav);
    Path out = workDir.resolve("speech.mp3");
    return DebianTool.run(out, "lame", "--quiet", "-b", "64", in.toString(), out.toString());
  }
}
