package dev.assistant.tts.audio;

import dev.assistant.tts.backend.AudioClip;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Log-mel spectrogram of a clip, rendered as a PNG: short-time Fourier transform (Hann window, 25
 * ms frames, 10 ms hop, zero-padded to a power of two), a triangular mel filterbank (Slaney-style
 * mel scale: linear below 1 kHz, logarithmic above), log power in decibels clamped to an 80 dB
 * range below the loudest bin, and a perceptual colour map. Time runs left to right, low
 * frequencies at the bottom.
 *
 * <p>Thread-safe: the filterbank is immutable and each call allocates its own buffers.
 */
public final class MelSpectrogram {
  /** Mel bands (image height in pixels before scaling). */
  public static final int MEL_BANDS = 80;

  private static final double DYNAMIC_RANGE_DB = 80;
  private static final int PIXEL_HEIGHT = 2;

  /** Computes the log-mel matrix [frames][MEL_BANDS] in dB (max 0). */
  public static float[][] compute(AudioClip clip) {
    int rate = clip.sampleRate();
    int window = Math.max(16, rate / 40);
    int hop = Math.max(1, rate / 100);
    int fftSize = Integer.highestOneBit(window - 1) << 1;
    float[] samples = clip.samples();
    int frames =
        samples.length < window
            ? (samples.length == 0 ? 0 : 1)
            : 1 + (samples.length - window) / hop;
    double[] hann = new double[window];
    for (int i = 0; i < window; i++) {
      hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / window);
    }
    double[][] filters = melFilters(rate, fftSize);
    float[][] mel = new float[frames][MEL_BANDS];
    double[] re = new double[fftSize];
    double[] im = new double[fftSize];
    double max = 1e-10;
    for (int f = 0; f < frames; f++) {
      java.util.Arrays.fill(re, 0);
      java.util.Arrays.fill(im, 0);
      for (int i = 0; i < window && f * hop + i < samples.length; i++) {
        re[i] = samples[f * hop + i] * hann[i];
      }
      fft(re, im);
      for (int b = 0; b < MEL_BANDS; b++) {
        double energy = 0;
        double[] filter = filters[b];
        for (int k = 0; k < filter.length; k++) {
          if (filter[k] != 0) {
            energy += filter[k] * (re[k] * re[k] + im[k] * im[k]);
          }
        }
        mel[f][b] = (float) energy;
        max = Math.max(max, energy);
      }
    }
    for (float[] frame : mel) {
      for (int b = 0; b < MEL_BANDS; b++) {
        double db = 10 * Math.log10(Math.max(frame[b], 1e-12) / max);
        frame[b] = (float) Math.max(db, -DYNAMIC_RANGE_DB);
      }
    }
    return mel;
  }

  /** Renders the clip's log-mel spectrogram as PNG bytes. */
  public static byte[] png(AudioClip clip) {
    float[][] mel = compute(clip);
    int width = Math.max(1, mel.length);
    int height = MEL_BANDS * PIXEL_HEIGHT;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < mel.length; x++) {
      for (int b = 0; b < MEL_BANDS; b++) {
        int rgb = color((mel[x][b] + DYNAMIC_RANGE_DB) / DYNAMIC_RANGE_DB);
        for (int dy = 0; dy < PIXEL_HEIGHT; dy++) {
          image.setRGB(x, height - 1 - (b * PIXEL_HEIGHT + dy), rgb);
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Dark blue through purple and orange to light yellow, like common spectrogram maps. */
  static int color(double value) {
    double v = Math.max(0, Math.min(1, value));
    double[][] stops = {
      {0.0, 0, 0, 4},
      {0.25, 81, 18, 124},
      {0.5, 183, 55, 121},
      {0.75, 252, 137, 97},
      {1.0, 252, 253, 191}
    };
    for (int i = 1; i < stops.length; i++) {
      if (v <= stops[i][0]) {
        double t = (v - stops[i - 1][0]) / (stops[i][0] - stops[i - 1][0]);
        int r = (int) Math.round(stops[i - 1][1] + t * (stops[i][1] - stops[i - 1][1]));
        int g = (int) Math.round(stops[i - 1][2] + t * (stops[i][2] - stops[i - 1][2]));
        int b = (int) Math.round(stops[i - 1][3] + t * (stops[i][3] - stops[i - 1][3]));
        return (r << 16) | (g << 8) | b;
      }
    }
    return 0xFCFDBF;
  }

  static double hzToMel(double hz) {
    return hz < 1000 ? hz * 3 / 200 : 15 + 27 * Math.log(hz / 1000) / Math.log(6.4);
  }

  static double melToHz(double mel) {
    return mel < 15 ? mel * 200 / 3 : 1000 * Math.exp((mel - 15) * Math.log(6.4) / 27);
  }

  /** Triangular filters over the FFT bins 0..fftSize/2, area-normalized. */
  static double[][] melFilters(int rate, int fftSize) {
    int bins = fftSize / 2 + 1;
    double maxMel = hzToMel(rate / 2.0);
    double[] edges = new double[MEL_BANDS + 2];
    for (int i = 0; i < edges.length; i++) {
      edges[i] = melToHz(maxMel * i / (MEL_BANDS + 1));
    }
    double[][] filters = new double[MEL_BANDS][bins];
    for (int b = 0; b < MEL_BANDS; b++) {
      double lo = edges[b];
      double mid = edges[b + 1];
      double hi = edges[b + 2];
      double norm = 2 / (hi - lo);
      for (int k = 0; k < bins; k++) {
        double hz = k * (double) rate / fftSize;
        double w =
            hz <= lo || hz >= hi ? 0 : hz <= mid ? (hz - lo) / (mid - lo) : (hi - hz) / (hi - mid);
        filters[b][k] = w * norm;
      }
    }
    return filters;
  }

  /** In-place iterative radix-2 FFT; the length must be a power of two. */
  static void fft(double[] re, double[] im) {
    int n = re.length;
    for (int i = 1, j = 0; i < n; i++) {
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) {
        j ^= bit;
      }
      j ^= bit;
      if (i < j) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    for (int len = 2; len <= n; len <<= 1) {
      double angle = -2 * Math.PI / len;
      double wr = Math.cos(angle);
      double wi = Math.sin(angle);
      for (int i = 0; i < n; i += len) {
        double cr = 1;
        double ci = 0;
        for (int k = 0; k < len / 2; k++) {
          int a = i + k;
          int b = a + len / 2;
          double xr = re[b] * cr - im[b] * ci;
          double xi = re[b] * ci + im[b] * cr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
          double next = cr * wr - ci * wi;
          ci = cr * wi + ci * wr;
          cr = next;
        }
      }
    }
  }

  private MelSpectrogram() {}
}
