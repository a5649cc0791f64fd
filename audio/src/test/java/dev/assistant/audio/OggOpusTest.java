package dev.assistant.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ogg Opus made by opusenc (opus-tools) decodes to the source's length, level and timing. */
class OggOpusTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"48000,2,48123", "16000,1,16001"})
  void opusencOutputDecodesToTheSource(int rate, int channels, int samples) throws Exception {
    ExternalEncoder.require("opusenc", "opus-tools");
    float[] tone = Signals.tone(440, rate, samples / (double) rate, 0.5);
    float[] interleaved = new float[tone.length * channels];
    for (int i = 0; i < tone.length; i++) {
      for (int c = 0; c < channels; c++) {
        interleaved[i * channels + c] = tone[i];
      }
    }
    Path wav = dir.resolve("in.wav");
    byte[] pcm = Pcm.toPcm16(interleaved);
    byte[] header = WavWriter.header(pcm.length, new WavFormat(rate, channels, 16, false));
    byte[] file = java.util.Arrays.copyOf(header, header.length + pcm.length);
    System.arraycopy(pcm, 0, file, header.length, pcm.length);
    Files.write(wav, file);
    Path opus = dir.resolve("out.opus");
    byte[] encoded =
        ExternalEncoder.run(
            opus, "opusenc", "--quiet", "--bitrate", "64", wav.toString(), opus.toString());
    assertEquals(AudioContainer.OGG_OPUS, AudioContainer.sniff(encoded).orElseThrow());

    DecodedAudio audio = new AudioDecoder(rate, AudioLimits.DEFAULT).decode(encoded, null);
    assertEquals(AudioContainer.OGG_OPUS, audio.container());
    assertEquals(48_000, audio.sourceSampleRate());
    assertEquals(channels, audio.sourceChannels());
    assertEquals(samples, audio.samples().length, "pre-skip and end trimming");
    assertEquals(440, Signals.frequency(audio.samples(), rate), 1);
    assertEquals(0.5 / Math.sqrt(2), Signals.rms(audio.samples(), 0.1), 0.02);
    // Timing: the decoded tone is in phase with the source (within a fraction of a period).
    double dot = 0;
    for (int i = tone.length / 10; i < tone.length * 9 / 10; i++) {
      dot += tone[i] * (double) audio.samples()[i];
    }
    double norm = Signals.rms(tone, 0.1) * Signals.rms(audio.samples(), 0.1) * tone.length * 0.8;
    assertTrue(dot / norm > 0.95, "correlation at lag 0: " + dot / norm);

    // Declared as Ogg Vorbis (the API's Ogg encoding), the codec is still read from the stream.
    DecodedAudio declared =
        new AudioDecoder(16_000, AudioLimits.DEFAULT).decode(encoded, AudioContainer.OGG_VORBIS);
    assertEquals(AudioContainer.OGG_OPUS, declared.container());
  }

  @Test
  void webmAndMp4AreRefusedByName() {
    AudioDecoder decoder = new AudioDecoder(16_000, AudioLimits.DEFAULT);
    byte[] webm = {
      0x1a, 0x45, (byte) 0xdf, (byte) 0xa3, (byte) 0x9f, 0x42, (byte) 0x86, (byte) 0x81
    };
    InvalidAudioException e =
        assertThrows(InvalidAudioException.class, () -> decoder.decode(webm, null));
    assertTrue(e.getMessage().startsWith("WebM/Matroska audio is not supported"), e.getMessage());
    byte[] m4a =
        "\0\0\0\030ftypM4A \0\0\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    e = assertThrows(InvalidAudioException.class, () -> decoder.decode(m4a, null));
    assertTrue(e.getMessage().startsWith("MP4/M4A (AAC) audio is not supported"), e.getMessage());
  }
}
