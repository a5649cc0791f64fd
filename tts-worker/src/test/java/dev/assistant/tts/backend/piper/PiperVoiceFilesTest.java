package dev.assistant.tts.backend.piper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Voice files are checked in Java, so native code never sees a missing or corrupt voice. */
class PiperVoiceFilesTest {
  @TempDir Path dir;

  private static final String CONFIG =
      "{\"audio\":{\"sample_rate\":22050},\"espeak\":{\"voice\":\"en-us\"},"
          + "\"language\":{\"code\":\"en_US\"},\"phoneme_type\":\"espeak\",\"num_speakers\":2,"
          + "\"inference\":{\"noise_scale\":0.667,\"length_scale\":1.0,\"noise_w\":0.8},"
          + "\"phoneme_id_map\":{\"_\":[0],\"^\":[1],\"$\":[2],\"a\":[14]}}";

  /** A protobuf-shaped ModelProto: ir_version, producer_name and a graph of 100 bytes. */
  static byte[] onnxLike() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x08); // field 1, varint
    out.write(8);
    out.write(0x12); // field 2, bytes
    out.write(5);
    out.writeBytes("piper".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.write(0x3a); // field 7 (graph), bytes
    out.write(100);
    out.writeBytes(new byte[100]);
    return out.toByteArray();
  }

  private void write(String name, byte[] model, String config) throws Exception {
    if (model != null) {
      Files.write(dir.resolve(name + ".onnx"), model);
    }
    if (config != null) {
      Files.writeString(dir.resolve(name + ".onnx.json"), config);
    }
  }

  private String failure(String name) {
    return assertThrows(IllegalStateException.class, () -> PiperVoiceFiles.load(dir, name))
        .getMessage();
  }

  @Test
  void acceptsAWellFormedVoice() throws Exception {
    write("en_US-test-medium", onnxLike(), CONFIG);
    PiperVoiceFiles voice = PiperVoiceFiles.load(dir, "en_US-test-medium");
    assertEquals(22_050, voice.info().sampleRate());
    assertEquals(2, voice.info().speakers());
    assertTrue(voice.info().speaks("en"));
    assertTrue(voice.withRate(2f).contains("\"length_scale\":0.5"), voice.withRate(2f));
  }

  @Test
  void missingFilesAreNamed() throws Exception {
    assertTrue(failure("nobody").contains("nobody.onnx is missing"));
    write("half", onnxLike(), null);
    assertTrue(failure("half").contains("half.onnx.json is missing"));
  }

  @Test
  void corruptConfigsAreRefused() throws Exception {
    write("a", onnxLike(), "{not json");
    assertTrue(failure("a").contains("not valid JSON"));
    write("b", onnxLike(), CONFIG.replace("22050", "0"));
    assertTrue(failure("b").contains("sample_rate"));
    write("c", onnxLike(), CONFIG.replace("\"a\":[14]", "\"a\":\"x\""));
    assertTrue(failure("c").contains("phoneme_id_map"));
    write("d", onnxLike(), CONFIG.replace("\"voice\":\"en-us\"", "\"voice\":\"\""));
    assertTrue(failure("d").contains("espeak.voice"));
    write("e", onnxLike(), CONFIG.replace("\"num_speakers\":2", "\"num_speakers\":0"));
    assertTrue(failure("e").contains("num_speakers"));
  }

  @Test
  void corruptModelsAreRefused() throws Exception {
    byte[] good = onnxLike();
    write("truncated", Arrays.copyOf(good, good.length - 10), CONFIG);
    assertTrue(failure("truncated").contains("past the end"), failure("truncated"));
    byte[] text =
        "this is not a model at all, just some text that is long enough to pass the size check"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    write("text", text, CONFIG);
    assertTrue(failure("text").contains("not an ONNX model"));
    write("tiny", new byte[10], CONFIG);
    assertTrue(failure("tiny").contains("bytes"));
    byte[] noGraph = Arrays.copyOf(good, 9);
    byte[] padded = new byte[80];
    System.arraycopy(noGraph, 0, padded, 0, noGraph.length);
    padded[9] = 0x22; // field 4 (bytes), length 68
    padded[10] = 68;
    write("nograph", Arrays.copyOf(padded, 79), CONFIG);
    assertTrue(failure("nograph").contains("ONNX"), failure("nograph"));
  }

  @Test
  void backendRefusesAnEmptyOrMissingDirectory() {
    assertTrue(
        assertThrows(IllegalStateException.class, () -> new PiperBackend(dir.resolve("none"), ""))
            .getMessage()
            .contains("tts.piper.voices.dir"));
    assertTrue(
        assertThrows(IllegalStateException.class, () -> new PiperBackend(dir, ""))
            .getMessage()
            .contains("no Piper voices"));
  }

  @Test
  void backendValidatesEveryVoiceBeforeLoadingNativeCode() throws Exception {
    write("good", onnxLike(), CONFIG);
    write("broken", onnxLike(), "{}");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new PiperBackend(dir, "good"));
    assertTrue(e.getMessage().contains("broken"), e.getMessage());
  }

  /** The native library loads here; a voice whose graph is garbage fails at start, cleanly. */
  @Test
  void nativeLoadFailureIsReportedAtStart() throws Exception {
    write("shaped", onnxLike(), CONFIG);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new PiperBackend(dir, "shaped"));
    assertTrue(e.getMessage().contains("cannot load Piper voice 'shaped'"), e.getMessage());
  }
}
