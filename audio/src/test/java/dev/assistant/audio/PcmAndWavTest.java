package dev.assistant.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

class PcmAndWavTest {

  @Test
  void pcm16RoundTripsWithinHalfAStep() {
    float[] x = {0f, 0.5f, -0.5f, 0.99997f, -1f, 1e-5f};
    float[] y = Pcm.fromPcm16(Pcm.toPcm16(x));
    assertArrayEquals(x, y, 0.5f / 32768f + 1e-7f);
  }

  @Test
  void pcm16ClampsInsteadOfWrapping() {
    byte[] b = Pcm.toPcm16(new float[] {1.5f, -3f, Float.NaN});
    assertEquals(Short.MAX_VALUE, (short) ((b[0] & 0xff) | (b[1] << 8)));
    assertEquals(Short.MIN_VALUE, (short) ((b[2] & 0xff) | (b[3] << 8)));
    assertEquals(0, (short) ((b[4] & 0xff) | (b[5] << 8)));
  }

  @Test
  void writtenWavIsReadByJavaSoundAndByOurReader() throws Exception {
    float[] x = Signals.tone(440, 22_050, 0.2, 0.4);
    byte[] wav = WavWriter.toWav(x, 22_050);
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
      AudioFormat f = in.getFormat();
      assertEquals(22_050, f.getSampleRate());
      assertEquals(1, f.getChannels());
      assertEquals(16, f.getSampleSizeInBits());
      assertEquals(x.length, in.getFrameLength());
    }
    DecodedAudio back = WavReader.readMono(wav);
    assertEquals(22_050, back.sampleRate());
    assertArrayEquals(x, back.samples(), 1f / 32768f);
  }

  @Test
  void rejectsTruncatedWavHeader() {
    byte[] wav = WavWriter.toWav(new float[100], 16_000);
    byte[] cut = java.util.Arrays.copyOf(wav, 30);
    InvalidAudioException e = assertThrows(InvalidAudioException.class, () -> WavReader.parse(cut));
    assertEquals("WAV: fmt chunk truncated", e.getMessage());
  }
}
