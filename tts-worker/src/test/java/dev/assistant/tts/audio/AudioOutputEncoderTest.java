package dev.assistant.tts.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.tts.backend.AudioClip;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AudioOutputEncoderTest {
  private final AudioOutputEncoder encoder = new AudioOutputEncoder(24_000);

  private static AudioClip tone(int rate, double seconds) {
    float[] s = new float[(int) (rate * seconds)];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / rate));
    }
    return new AudioClip(s, rate);
  }

  /** Chunks the handler would emit: every part cut into pieces of at most chunkBytes. */
  private List<Integer> chunkSizes(AudioClip clip, OutputFormat format, int chunkBytes) {
    List<Integer> sizes = new ArrayList<>();
    encoder.encode(
        clip,
        format,
        7,
        (bytes, end) -> {
          for (int from = 0; from < Math.max(1, bytes.length); from += chunkBytes) {
            sizes.add(Math.min(chunkBytes, bytes.length - from));
          }
        });
    return sizes;
  }

  @Test
  void pcmAndWavArriveInOnePartWithAnExactChunkBound() {
    AudioClip clip = tone(16_000, 1.3);
    List<Integer> pcm = chunkSizes(clip, OutputFormat.PCM16, 4096);
    assertEquals(2 * clip.samples().length, pcm.stream().mapToInt(Integer::intValue).sum());
    assertEquals(pcm.size(), AudioOutputEncoder.maxChunks(clip, OutputFormat.PCM16, 4096));
    List<Integer> wav = chunkSizes(clip, OutputFormat.WAV, 4096);
    assertEquals(wav.size(), AudioOutputEncoder.maxChunks(clip, OutputFormat.WAV, 4096));
    AudioClip empty = new AudioClip(new float[0], 16_000);
    assertEquals(1, AudioOutputEncoder.maxChunks(empty, OutputFormat.PCM16, 4096));
  }

  @Test
  void oggChunkBoundIsNeverBelowWhatIsEmitted() {
    for (int rate : new int[] {8_000, 22_050, 48_000}) {
      AudioClip clip = tone(rate, 1.7);
      List<Integer> parts = new ArrayList<>();
      encoder.encode(clip, OutputFormat.OGG_OPUS, 7, (bytes, end) -> parts.add(bytes.length));
      for (int chunkBytes : new int[] {1024, 65_536}) {
        int emitted =
            parts.stream().mapToInt(n -> Math.max(1, (n + chunkBytes - 1) / chunkBytes)).sum();
        long bound = AudioOutputEncoder.maxChunks(clip, OutputFormat.OGG_OPUS, chunkBytes);
        assertTrue(bound >= emitted, rate + " Hz, " + chunkBytes + ": " + bound + " < " + emitted);
      }
    }
  }
}
