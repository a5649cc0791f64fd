package dev.assistant.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LAME writes an info frame with the encoder delay and padding; decoding must give back exactly the
 * source's samples, at their original times (cross-correlation peak at lag 0).
 */
class Mp3GaplessTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"44100,2,54441,128", "22050,1,30011,64", "48000,2,47999,160"})
  void decodedMp3HasTheSourceLengthAndAlignment(int rate, int channels, int samples, int kbps)
      throws Exception {
    ExternalEncoder.require("lame", "lame");
    float[] chirp = chirp(rate, samples);
    float[] interleaved = new float[samples * channels];
    for (int i = 0; i < samples; i++) {
      for (int c = 0; c < channels; c++) {
        interleaved[i * channels + c] = chirp[i];
      }
    }
    Path wav = dir.resolve("in.wav");
    Files.write(wav, wav(interleaved, rate, channels));
    Path mp3 = dir.resolve("out.mp3");
    byte[] encoded =
        ExternalEncoder.run(
            mp3, "lame", "--quiet", "-b", Integer.toString(kbps), wav.toString(), mp3.toString());

    DecodedAudio native_ = new AudioDecoder(rate, AudioLimits.DEFAULT).decode(encoded, null);
    assertEquals(samples, native_.samples().length, "samples at the source rate");
    assertEquals(0, bestLag(chirp, native_.samples(), 200), "alignment");

    DecodedAudio whisper = new AudioDecoder(16_000, AudioLimits.DEFAULT).decode(encoded, null);
    assertEquals(
        (long) Math.ceil(samples * 16_000.0 / rate), whisper.samples().length, "at 16 kHz");
  }

  /** A sweep from 150 Hz to a quarter of the rate with a fade at both ends. */
  private static float[] chirp(int rate, int samples) {
    float[] x = new float[samples];
    double phase = 0;
    for (int i = 0; i < samples; i++) {
      double f = 150 + (rate / 4.0 - 150) * i / samples;
      phase += 2 * Math.PI * f / rate;
      double fade = Math.min(1, Math.min(i, samples - 1 - i) / (0.02 * rate));
      x[i] = (float) (0.5 * fade * Math.sin(phase));
    }
    return x;
  }

  /** The lag of {@code y} against {@code x} (within ±range) with the highest correlation. */
  private static int bestLag(float[] x, float[] y, int range) {
    int best = Integer.MIN_VALUE;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (int lag = -range; lag <= range; lag++) {
      double sum = 0;
      for (int i = Math.max(0, -lag); i < x.length && i + lag < y.length; i++) {
        sum += x[i] * (double) y[i + lag];
      }
      if (sum > bestValue) {
        bestValue = sum;
        best = lag;
      }
    }
    assertTrue(bestValue > 0, "correlated at all");
    return best;
  }

  private static byte[] wav(float[] interleaved, int rate, int channels) {
    byte[] pcm = Pcm.toPcm16(interleaved);
    byte[] header =
        WavWriter.header(pcm.length, new WavFormat(rate, channels, 16, WavFormat.Encoding.PCM));
    byte[] out = java.util.Arrays.copyOf(header, header.length + pcm.length);
    System.arraycopy(pcm, 0, out, header.length, pcm.length);
    return out;
  }
}
