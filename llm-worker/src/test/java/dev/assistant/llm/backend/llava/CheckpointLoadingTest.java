package dev.assistant.llm.backend.llava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.assistant.llm.TestModels;
import dev.assistant.llm.backend.config.ModelConfigException;
import dev.assistant.llm.backend.nn.KvCache;
import dev.assistant.llm.backend.nn.LlamaDecoder;
import dev.assistant.llm.backend.nn.WeightFormat;
import dev.assistant.llm.backend.safetensors.CheckpointException;
import dev.assistant.llm.backend.safetensors.TensorDType;
import dev.assistant.llm.tools.CheckpointSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLoadingTest {
  private static final int[] PROMPT = {1, 22557, 1526, 28725, 910, 349, 264, 1369};

  private static float[] logits(Path dir) {
    try (LlavaModel m = TestModels.load(dir, WeightFormat.FP32)) {
      LlamaDecoder d = m.network().decoder();
      try (NDManager step = m.manager().newSubManager();
          KvCache cache = d.newCache(m.manager(), PROMPT.length)) {
        return d.forward(
            step, List.of(new LlamaDecoder.Chunk(cache, d.embed(PROMPT), PROMPT.length)), true);
      }
    }
  }

  private static double maxDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  @Test
  void shardedCheckpointWithNewTensorNamesGivesIdenticalLogits() {
    Path sharded =
        TestModels.checkpoint("tiny-sharded-modern", CheckpointSpec.tiny().withShards(3, true));
    assertTrue(Files.exists(sharded.resolve("model.safetensors.index.json")));
    assertEquals(0.0, maxDiff(logits(TestModels.tiny()), logits(sharded)));
  }

  @Test
  void halfPrecisionCheckpointsAreConvertedInJava() {
    float[] f32 = logits(TestModels.tiny());
    for (TensorDType dtype : List.of(TensorDType.BF16, TensorDType.F16)) {
      Path dir = TestModels.checkpoint("tiny-" + dtype, CheckpointSpec.tiny().withDtype(dtype));
      float[] half = logits(dir);
      double diff = maxDiff(f32, half);
      // Weights rounded to 8 (bf16) or 11 (f16) significant bits move logits a little, not a lot.
      assertTrue(
          diff > 0 && diff < (dtype == TensorDType.BF16 ? 0.5 : 0.05),
          dtype + " differs by " + diff);
    }
  }

  private static Path copyTiny(Path tmp) throws IOException {
    Path src = TestModels.tiny();
    Path dst = tmp.resolve("model");
    Files.createDirectories(dst);
    try (var files = Files.list(src)) {
      for (Path p : files.toList()) {
        Files.copy(p, dst.resolve(p.getFileName()));
      }
    }
    return dst;
  }

  private static String loadError(Path tmp, Consumer<Path> damage) throws IOException {
    Path dir = copyTiny(tmp);
    damage.accept(dir);
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> TestModels.load(dir, WeightFormat.FP32).close());
    assertTrue(
        e instanceof ModelConfigException || e instanceof CheckpointException, "unexpected " + e);
    return e.getMessage();
  }

  private static void editConfig(Path dir, String from, String to) {
    try {
      Path c = dir.resolve("config.json");
      String s = Files.readString(c);
      assertTrue(s.contains(from), "config has " + from);
      Files.writeString(c, s.replace(from, to));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void badConfigsFailWithMessagesNamingTheProblem(@TempDir Path tmp) throws IOException {
    assertTrue(
        loadError(tmp.resolve("a"), d -> d.resolve("config.json").toFile().delete())
            .contains("config.json is missing"));
    assertTrue(
        loadError(
                tmp.resolve("b"),
                d -> editConfig(d, "\"model_type\": \"llava\"", "\"model_type\": \"bert\""))
            .contains("expected llava"));
    assertTrue(
        loadError(
                tmp.resolve("c"),
                d -> editConfig(d, "\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"))
            .contains("not a multiple of num_key_value_heads"));
    String shape =
        loadError(
            tmp.resolve("d"),
            d -> editConfig(d, "\"intermediate_size\": 96", "\"intermediate_size\": 100"));
    assertTrue(shape.contains("gate_proj") && shape.contains("shape"), shape);
    assertTrue(
        loadError(
                tmp.resolve("e"),
                d -> editConfig(d, "\"vision_feature_layer\": -2", "\"vision_feature_layer\": -9"))
            .contains("vision_feature_layer"));
    assertTrue(
        loadError(tmp.resolve("f"), d -> editConfig(d, "{", "{,")).contains("not valid JSON"));
  }

  @Test
  void damagedSafetensorsFailCleanly(@TempDir Path tmp) throws IOException {
    String truncated =
        loadError(
            tmp.resolve("a"),
            d -> {
              try (RandomAccessFile f =
                  new RandomAccessFile(d.resolve("model.safetensors").toFile(), "rw")) {
                f.setLength(f.length() - 1000);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertTrue(truncated.contains("data range"), truncated);
    String header =
        loadError(
            tmp.resolve("b"),
            d -> {
              try (RandomAccessFile f =
                  new RandomAccessFile(d.resolve("model.safetensors").toFile(), "rw")) {
                f.writeLong(Long.reverseBytes(1L << 40));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertTrue(header.contains("implausible header length"), header);
    String none =
        loadError(tmp.resolve("c"), d -> d.resolve("model.safetensors").toFile().delete());
    assertTrue(none.contains("neither model.safetensors"), none);
  }
}
