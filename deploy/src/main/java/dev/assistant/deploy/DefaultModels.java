package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models for a first run. No model can be downloaded where this project is built, so when {@code
 * stt.model.path} / {@code llm.model.dir} are not configured the launcher generates models with
 * random weights in the real formats (ggml Whisper; LLaVA in the Hugging Face layout), using the
 * writers that ship in the workers' jars. The whole pipeline then runs for real, with gibberish
 * answers, and a loud warning says so. Generated models are kept in {@code run/models} and reused.
 */
final class DefaultModels {
  private static final Logger log = LoggerFactory.getLogger(DefaultModels.class);

  static final String STT_KEY = "stt.model.path";
  static final String LLM_KEY = "llm.model.dir";
  static final String STT_WRITER = "dev.assistant.stt.tools.RandomGgmlModelWriter";
  static final String LLM_WRITER = "dev.assistant.llm.tools.RandomLlavaCheckpointWriter";

  // Whisper tiny shapes (real per-window cost) with a short text context: random weights never
  // emit end-of-text, so decoding would otherwise run through all 448 positions of every window.
  static final String DEFAULT_STT_ARGS = "--size tiny --text-ctx 64 --seed 1 --out {out}";
  // A tiny LLaVA (CLIP tower + Llama decoder at test sizes): the launcher should start in seconds.
  static final String DEFAULT_LLM_ARGS = "{out} tiny";

  private static final Duration WRITER_TIMEOUT = Duration.ofMinutes(10);

  private DefaultModels() {}

  /**
   * Generates what is missing and returns the config keys pointing the services at it (empty when
   * real models are configured).
   */
  static Map<String, String> ensure(Config config, StackOptions o, Path java) {
    Map<String, String> keys = new LinkedHashMap<>();
    List<String> generated = new ArrayList<>();
    if (o.services().contains(StackService.STT) && config.get(STT_KEY).isEmpty()) {
      Path model = o.modelDir().resolve("whisper-random-tiny.bin");
      if (!Files.isRegularFile(model)) {
        run(
            java,
            StackService.STT.jar(o.repoRoot(), o.version()),
            STT_WRITER,
            args(config, "launcher.stt.random.model.args", DEFAULT_STT_ARGS, model),
            o.logDir().resolve("models.log"));
      }
      keys.put(STT_KEY, model.toString());
      generated.add(STT_KEY + "=" + model);
    }
    if (o.services().contains(StackService.LLM) && config.get(LLM_KEY).isEmpty()) {
      Path dir = o.modelDir().resolve("llava-random");
      if (!Files.isRegularFile(dir.resolve("config.json"))) {
        // Written beside the final place and renamed, so an interrupted run never leaves a
        // half-written checkpoint that the next run would take for a real one.
        Path partial = o.modelDir().resolve("llava-random.partial");
        deleteTree(partial);
        run(
            java,
            StackService.LLM.jar(o.repoRoot(), o.version()),
            LLM_WRITER,
            args(config, "launcher.llm.random.model.args", DEFAULT_LLM_ARGS, partial),
            o.logDir().resolve("models.log"));
        deleteTree(dir);
        move(partial, dir);
      }
      keys.put(LLM_KEY, dir.toString());
      generated.add(LLM_KEY + "=" + dir);
    }
    if (!generated.isEmpty()) {
      warn(generated);
    }
    return keys;
  }

  /** The writer's arguments; {@code {out}} stands for the output path. */
  static List<String> args(Config config, String key, String defaults, Path out) {
    String template = config.getString(key, defaults).trim();
    if (!template.contains("{out}")) {
      throw new dev.assistant.common.config.ConfigException(
          key + "='" + template + "' must contain {out} where the output path goes");
    }
    List<String> a = new ArrayList<>();
    for (String word : template.split("\\s+")) {
      a.add(word.replace("{out}", out.toString()));
    }
    return a;
  }

  private static void warn(List<String> generated) {
    String bar = "!".repeat(78);
    log.warn(bar);
    log.warn("!! NO REAL MODELS CONFIGURED: using generated models with RANDOM WEIGHTS.");
    log.warn("!! The pipeline runs for real, but transcripts and answers will be GIBBERISH.");
    generated.forEach(g -> log.warn("!!   {}", g));
    log.warn("!! Real models: see docs/stages/stt.md and docs/stages/llm.md, then set");
    log.warn("!! stt.model.path / llm.model.dir in your config (or ASSISTANT_STT_MODEL_PATH,");
    log.warn("!! ASSISTANT_LLM_MODEL_DIR).");
    log.warn(bar);
  }

  private static void run(Path java, Path jar, String mainClass, List<String> args, Path logFile) {
    if (!Files.isRegularFile(jar)) {
      throw new StackException(
          jar
              + " is missing, so no model can be generated; build with: mvn -q -DskipTests package");
    }
    List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", jar.toString()));
    command.add(mainClass);
    command.addAll(args);
    log.info("generating a random-weight model: {} {}", mainClass, String.join(" ", args));
    try {
      Files.createDirectories(logFile.getParent());
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(WRITER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new StackException(mainClass + " did not finish in " + WRITER_TIMEOUT);
      }
      if (p.exitValue() != 0) {
        throw new StackException(
            mainClass
                + " failed (exit status "
                + p.exitValue()
                + "); last lines of "
                + logFile
                + ":\n"
                + ManagedProcess.tail(logFile, 20));
      }
    } catch (IOException e) {
      throw new StackException("cannot run " + mainClass + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while generating a model", e);
    }
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + from + " to " + to, e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
