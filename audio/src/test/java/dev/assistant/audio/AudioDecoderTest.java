package dev.assistant.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AudioDecoderTest {
  private static final double TONE_HZ = 440;
  private final AudioDecoder decoder = new AudioDecoder(16_000, AudioLimits.DEFAULT);

  @TempDir Path dir;

  /** A WAV written by Java Sound: a 440 Hz tone on every channel (the right one inverted). */
  static byte[] javaSoundWav(int rate, int bits, int channels, AudioFormat.Encoding encoding)
      throws Exception {
    float[] tone = Signals.tone(TONE_HZ, rate, 0.5, 0.5);
    int width = bits / 8;
    ByteBuffer buf = ByteBuffer.allocate(tone.length * channels * width);
    buf.order(ByteOrder.LITTLE_ENDIAN);
    for (float s : tone) {
      for (int c = 0; c < channels; c++) {
        // Channel 1 carries half the level: the down-mix must average, not pick one channel.
        double v = c == 0 ? s : s * 0.5;
        if (encoding.equals(AudioFormat.Encoding.PCM_FLOAT)) {
          buf.putFloat((float) v);
        } else if (encoding.equals(AudioFormat.Encoding.PCM_UNSIGNED)) {
          buf.put((byte) (Math.round(v * 127) + 128));
        } else if (bits == 16) {
          buf.putShort((short) Math.round(v * 32767));
        } else if (bits == 24) {
          int i = (int) Math.round(v * 8388607);
          buf.put((byte) i).put((byte) (i >> 8)).put((byte) (i >> 16));
        } else {
          buf.putInt((int) Math.round(v * 2147483647.0));
        }
      }
    }
    AudioFormat format =
        new AudioFormat(encoding, rate, bits, channels, channels * width, rate, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioSystem.write(
        new AudioInputStream(new ByteArrayInputStream(buf.array()), format, tone.length),
        AudioFileFormat.Type.WAVE,
        out);
    return out.toByteArray();
  }

  @ParameterizedTest
  @CsvSource({
    "8000,8,1,PCM_UNSIGNED",
    "16000,16,1,PCM_SIGNED",
    "44100,16,2,PCM_SIGNED",
    "48000,24,2,PCM_SIGNED",
    "22050,32,1,PCM_SIGNED",
    "32000,32,2,PCM_FLOAT"
  })
  void decodesJavaSoundWav(int rate, int bits, int channels, String encoding) throws Exception {
    byte[] wav = javaSoundWav(rate, bits, channels, new AudioFormat.Encoding(encoding));
    DecodedAudio audio = decoder.decode(wav, null);
    assertEquals(AudioContainer.WAV, audio.container());
    assertEquals(rate, audio.sourceSampleRate());
    assertEquals(channels, audio.sourceChannels());
    assertToneOf(audio, channels == 1 ? 0.5 : 0.375);
  }

  @Test
  void decodesRawPcm16Stereo() throws Exception {
    float[] tone = Signals.tone(TONE_HZ, 24_000, 0.5, 0.5);
    float[] stereo = new float[tone.length * 2];
    for (int i = 0; i < tone.length; i++) {
      stereo[2 * i] = tone[i];
      stereo[2 * i + 1] = tone[i] * 0.5f;
    }
    DecodedAudio audio = decoder.decodePcm16(Pcm.toPcm16(stereo), 24_000, 2);
    assertToneOf(audio, 0.375);
  }

  @Test
  void rejectsPcm16WithPartialFrame() {
    InvalidAudioException e =
        assertThrows(
            InvalidAudioException.class, () -> decoder.decodePcm16(new byte[7], 16_000, 1));
    assertTrue(e.getMessage().contains("whole number"), e.getMessage());
  }

  @Test
  void decodesFlac() throws Exception {
    ExternalEncoder.require("flac", "flac");
    byte[] flac = encode("flac", "in.wav", "out.flac", "flac", "-s", "-f", "-o", "OUT", "IN");
    DecodedAudio audio = decoder.decode(flac, AudioContainer.FLAC);
    assertEquals(AudioContainer.FLAC, AudioContainer.sniff(flac).orElseThrow());
    assertEquals(2, audio.sourceChannels());
    assertToneOf(audio, 0.375);
  }

  @Test
  void decodesMp3() throws Exception {
    ExternalEncoder.require("lame", "lame");
    byte[] mp3 = encode("mp3", "in.wav", "out.mp3", "lame", "--quiet", "-b", "128", "IN", "OUT");
    DecodedAudio audio = decoder.decode(mp3, null);
    assertEquals(AudioContainer.MP3, audio.container());
    // The encoder adds priming silence and padding, and lossy coding shifts levels slightly.
    assertEquals(TONE_HZ, Signals.frequency(audio.samples(), 16_000), 2);
    assertEquals(0.375 / Math.sqrt(2), Signals.rms(audio.samples(), 0.2), 0.03);
  }

  @Test
  void decodesOggVorbis() throws Exception {
    ExternalEncoder.require("oggenc", "vorbis-tools");
    byte[] ogg = encode("ogg", "in.wav", "out.ogg", "oggenc", "-Q", "-q", "4", "-o", "OUT", "IN");
    DecodedAudio audio = decoder.decode(ogg, null);
    assertEquals(AudioContainer.OGG_VORBIS, audio.container());
    assertEquals(44_100, audio.sourceSampleRate());
    assertEquals(0.5, audio.seconds(), 0.01);
    assertEquals(TONE_HZ, Signals.frequency(audio.samples(), 16_000), 2);
    assertEquals(0.375 / Math.sqrt(2), Signals.rms(audio.samples(), 0.2), 0.03);
  }

  @Test
  void rejectsGarbageInEveryFormatWithoutThrowingAnythingElse() {
    byte[] noise = new byte[4096];
    new java.util.Random(7).nextBytes(noise);
    for (AudioContainer c : AudioContainer.values()) {
      if (c == AudioContainer.PCM16) {
        continue;
      }
      InvalidAudioException e =
          assertThrows(InvalidAudioException.class, () -> decoder.decode(noise, c), c.name());
      assertFalse(e.getMessage().contains("null"), "a reason, not 'null': " + e.getMessage());
    }
    byte[] flacMagicThenNoise = noise.clone();
    System.arraycopy(
        "fLaC".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, flacMagicThenNoise, 0, 4);
    InvalidAudioException flac =
        assertThrows(
            InvalidAudioException.class,
            () -> decoder.decode(flacMagicThenNoise, AudioContainer.FLAC));
    assertFalse(flac.getMessage().contains("null"), "a reason, not 'null': " + flac.getMessage());
    assertThrows(InvalidAudioException.class, () -> decoder.decode(noise, null));
  }

  @Test
  void rejectsTruncatedContainers() throws Exception {
    byte[] wav = javaSoundWav(16_000, 16, 1, AudioFormat.Encoding.PCM_SIGNED);
    assertThrows(InvalidAudioException.class, () -> decoder.decode(Arrays.copyOf(wav, 20), null));
    assertThrows(
        InvalidAudioException.class,
        () -> decoder.decode("OggS\0\2garbage".getBytes(), AudioContainer.OGG_VORBIS));
    assertThrows(
        InvalidAudioException.class,
        () -> decoder.decode("fLaC\0\0\0\42".getBytes(), AudioContainer.FLAC));
  }

  @Test
  void rejectsAudioBeyondTheDurationLimit() throws Exception {
    AudioDecoder strict = new AudioDecoder(16_000, new AudioLimits(1 << 20, 0.25));
    byte[] wav = javaSoundWav(16_000, 16, 1, AudioFormat.Encoding.PCM_SIGNED); // 0.5 s
    InvalidAudioException e =
        assertThrows(InvalidAudioException.class, () -> strict.decode(wav, null));
    assertEquals("audio is longer than the limit of 0.25 s", e.getMessage());
  }

  @Test
  void rejectsInputBeyondTheByteLimit() {
    AudioDecoder strict = new AudioDecoder(16_000, new AudioLimits(100, 60));
    InvalidAudioException e =
        assertThrows(
            InvalidAudioException.class, () -> strict.decodePcm16(new byte[200], 16_000, 1));
    assertTrue(e.getMessage().contains("more than the limit of 100 bytes"), e.getMessage());
  }

  private byte[] encode(String name, String in, String out, String... command) throws Exception {
    Path sub = Files.createDirectories(dir.resolve(name));
    Path input = sub.resolve(in);
    Path output = sub.resolve(out);
    Files.write(input, javaSoundWav(44_100, 16, 2, AudioFormat.Encoding.PCM_SIGNED));
    String[] cmd = command.clone();
    for (int i = 0; i < cmd.length; i++) {
      cmd[i] =
          cmd[i].equals("IN")
              ? input.toString()
              : cmd[i].equals("OUT") ? output.toString() : cmd[i];
    }
    return ExternalEncoder.run(output, cmd);
  }

  private static void assertToneOf(DecodedAudio audio, double amplitude) {
    assertEquals(16_000, audio.sampleRate());
    assertEquals(0.5, audio.seconds(), 0.001);
    assertEquals(TONE_HZ, Signals.frequency(audio.samples(), 16_000), 1);
    assertEquals(amplitude / Math.sqrt(2), Signals.rms(audio.samples(), 0.1), 0.01);
  }
}
