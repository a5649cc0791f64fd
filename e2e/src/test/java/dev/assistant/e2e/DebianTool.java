package dev.assistant.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Command-line encoders from Debian packages (no maintained pure-Java FLAC or MP3 encoder exists).
 * {@code .ci/run} installs them; in CI ({@code CI=true}) a missing tool fails the test, locally it
 * skips the test and names the package to install.
 */
final class DebianTool {
  private DebianTool() {}

  static void require(String tool, String aptPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    String message = tool + " is not installed (apt-get install " + aptPackage + ")";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  /** Runs {@code command} and returns the bytes it wrote to {@code output}. */
  static byte[] run(Path output, String... command) throws Exception {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    byte[] log = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish in 60 s");
    }
    assertEquals(
        0,
        p.exitValue(),
        () -> String.join(" ", command) + ": " + new String(log, StandardCharsets.UTF_8));
    return Files.readAllBytes(output);
  }
}
