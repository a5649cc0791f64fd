package dev.assistant.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavFileWriterTest {
  @TempDir Path dir;

  @Test
  void fileIsAValidWavAfterEveryChunk() throws Exception {
    Path f = dir.resolve("a.wav");
    try (WavFileWriter w = new WavFileWriter(f)) {
      w.append(new byte[200], 16_000);
      try (AudioInputStream in = AudioSystem.getAudioInputStream(f.toFile())) {
        assertEquals(100, in.getFrameLength()); // readable while still open
      }
      w.append(new byte[100], 16_000);
      assertEquals(150 / 16_000.0, w.seconds(), 1e-9);
    }
    try (AudioInputStream in = AudioSystem.getAudioInputStream(f.toFile())) {
      assertEquals(150, in.getFrameLength());
      assertEquals(16_000, in.getFormat().getSampleRate(), 0);
      assertEquals(300, in.readAllBytes().length);
    }
  }
}
