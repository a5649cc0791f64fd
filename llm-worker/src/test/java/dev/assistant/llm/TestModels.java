package dev.assistant.llm;

import dev.assistant.llm.backend.llava.LlavaModel;
import dev.assistant.llm.backend.llava.LlavaOptions;
import dev.assistant.llm.backend.nn.WeightFormat;
import dev.assistant.llm.tools.CheckpointSpec;
import dev.assistant.llm.tools.RandomLlavaCheckpointWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Tiny random checkpoints written once per test JVM under {@code target/test-models}. */
public final class TestModels {
  private static final Map<String, Path> WRITTEN = new HashMap<>();

  private TestModels() {}

  public static synchronized Path checkpoint(String name, CheckpointSpec spec) {
    return WRITTEN.computeIfAbsent(
        name,
        n -> {
          Path dir = Path.of("target", "test-models", n);
          try {
            if (Files.exists(dir)) {
              try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
              }
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          RandomLlavaCheckpointWriter.write(spec, dir);
          return dir;
        });
  }

  /** The default tiny checkpoint (F32, single file, classic tensor names). */
  public static Path tiny() {
    return checkpoint("tiny", CheckpointSpec.tiny());
  }

  /** A small PNG: a filled rectangle with a white disc. */
  public static byte[] png(java.awt.Color color) throws java.io.IOException {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
    var g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 40, 30);
    g.setColor(java.awt.Color.WHITE);
    g.fillOval(5, 5, 12, 12);
    g.dispose();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  public static LlavaModel load(Path dir, WeightFormat format) {
    return LlavaModel.load(
        LlavaOptions.defaults(dir).withFormat(format).withDevice("cpu").withKvBudget(256L << 20));
  }
}
