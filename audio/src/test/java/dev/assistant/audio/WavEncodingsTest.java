package dev.assistant.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** WAV sample encodings beyond plain PCM: G.711 telephony codes and hostile float values. */
class WavEncodingsTest {
  @TempDir Path dir;

  /** Code points from the G.711 tables (16-bit linear values as sox and libsndfile give them). */
  @Test
  void g711CodePointsMatchTheStandardTables() {
    assertEquals(0, Pcm.muLaw((byte) 0xff));
    assertEquals(0, Pcm.muLaw((byte) 0x7f));
    assertEquals(-32124, Pcm.muLaw((byte) 0x00));
    assertEquals(32124, Pcm.muLaw((byte) 0x80));
    assertEquals(-8, Pcm.muLaw((byte) 0x7e));
    assertEquals(8, Pcm.aLaw((byte) 0xd5));
    assertEquals(-8, Pcm.aLaw((byte) 0x55));
    assertEquals(32256, Pcm.aLaw((byte) 0xaa));
    assertEquals(-32256, Pcm.aLaw((byte) 0x2a));
    assertEquals(264, Pcm.aLaw((byte) 0xc5)); // segment 1, step 0
  }

  /**
   * sox encodes a known PCM16 signal as µ-law and as A-law WAV and decodes those files back to
   * PCM16 on its own: our decoding of the G.711 WAV must give exactly sox's samples.
   */
  @ParameterizedTest
  @CsvSource({"u-law,7", "a-law,6"})
  void g711WavMatchesSoxDecoding(String soxEncoding, int tag) throws Exception {
    ExternalEncoder.require("sox", "sox");
    float[] speechLike = new float[8000];
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < speechLike.length; i++) {
      double env = 0.5 + 0.45 * Math.sin(2 * Math.PI * 3 * i / 8000.0);
      speechLike[i] =
          (float)
              (env
                  * (0.6 * Math.sin(2 * Math.PI * 300 * i / 8000.0)
                      + 0.3 * Math.sin(2 * Math.PI * 1250 * i / 8000.0)
                      + 0.05 * random.nextGaussian()));
    }
    Path pcm = dir.resolve("in.wav");
    Files.write(pcm, WavWriter.toWav(speechLike, 8000));
    Path g711 = dir.resolve("g711.wav");
    byte[] encoded =
        ExternalEncoder.run(
            g711, "sox", pcm.toString(), "-e", soxEncoding, "-b", "8", g711.toString());
    assertEquals(tag, WavReader.parse(encoded).format().encoding().tag());
    Path back = dir.resolve("back.wav");
    byte[] soxDecoded =
        ExternalEncoder.run(
            back, "sox", g711.toString(), "-e", "signed-integer", "-b", "16", back.toString());
    float[] expected = WavReader.readMono(soxDecoded).samples();

    DecodedAudio ours = new AudioDecoder(8000, AudioLimits.DEFAULT).decode(encoded, null);
    assertEquals(8000, ours.sourceSampleRate());
    assertEquals(expected.length, ours.samples().length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], ours.samples()[i], 0f, "sample " + i);
    }
    // And it is the signal: G.711 keeps about 38 dB SNR on speech-level audio.
    double err = 0;
    double sig = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = ours.samples()[i] - speechLike[i];
      err += d * d;
      sig += speechLike[i] * (double) speechLike[i];
    }
    assertTrue(10 * Math.log10(sig / err) > 30, "SNR " + 10 * Math.log10(sig / err));
  }

  @Test
  void g711WavIsResampledLikeAnyOther() throws Exception {
    byte[] wav = g711Wav(7, Signals.tone(440, 8000, 0.5, 0.5));
    DecodedAudio audio = new AudioDecoder(16_000, AudioLimits.DEFAULT).decode(wav, null);
    assertEquals(0.5, audio.seconds(), 0.001);
    assertEquals(440, Signals.frequency(audio.samples(), 16_000), 1);
    assertEquals(0.5 / Math.sqrt(2), Signals.rms(audio.samples(), 0.1), 0.01);
  }

  /**
   * A float WAV may hold any value: finite huge ones, infinities and NaN. Decoded samples are
   * clamped to [-1, 1] (NaN to silence), at the source rate and after resampling.
   */
  @ParameterizedTest
  @CsvSource({"16000", "44100"})
  void floatSamplesAreClampedToFullScale(int rate) throws Exception {
    float[] hostile = new float[rate / 2];
    float[] values = {1e30f, -1e30f, Float.NaN, Float.POSITIVE_INFINITY, 3.5f, -2f, 0.25f};
    for (int i = 0; i < hostile.length; i++) {
      hostile[i] = values[(i / 37) % values.length];
    }
    ByteBuffer data = ByteBuffer.allocate(hostile.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : hostile) {
      data.putFloat(v);
    }
    byte[] wav = wav(3, 32, rate, data.array());
    float[] out = new AudioDecoder(16_000, AudioLimits.DEFAULT).decode(wav, null).samples();
    float max = 0;
    for (float v : out) {
      assertTrue(Float.isFinite(v), "finite");
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= 1f, "peak " + max);
    assertTrue(max > 0.9f, "full scale kept, peak " + max);
    if (rate == 16_000) {
      assertEquals(1f, out[0]); // 1e30
      assertEquals(-1f, out[37]); // -1e30
      assertEquals(0f, out[74]); // NaN
      assertEquals(1f, out[111]); // +Inf
      assertEquals(0.25f, out[6 * 37]);
    }
  }

  private static byte[] g711Wav(int tag, float[] samples) {
    byte[] codes = new byte[samples.length];
    for (int i = 0; i < samples.length; i++) {
      codes[i] = tag == 7 ? encodeMuLaw(samples[i]) : 0;
    }
    return wav(tag, 8, 8000, codes);
  }

  /** A straightforward µ-law encoder (G.711's segment search), for building inputs only. */
  private static byte encodeMuLaw(float v) {
    int pcm = Math.max(-32635, Math.min(32635, Math.round(v * 32768)));
    int sign = pcm < 0 ? 0x80 : 0;
    int magnitude = Math.abs(pcm) + 0x84;
    int segment = 7;
    for (int mask = 0x4000; (magnitude & mask) == 0 && segment > 0; mask >>= 1) {
      segment--;
    }
    int step = (magnitude >> (segment + 3)) & 0x0f;
    return (byte) ~(sign | (segment << 4) | step);
  }

  private static byte[] wav(int tag, int bits, int rate, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(46 + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(38 + data.length).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(18).putShort((short) tag).putShort((short) 1).putInt(rate);
    b.putInt(rate * bits / 8)
        .putShort((short) (bits / 8))
        .putShort((short) bits)
        .putShort((short) 0);
    b.put("data".getBytes()).putInt(data.length).put(data);
    return b.array();
  }
}
