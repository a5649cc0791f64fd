package dev.assistant.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Encodes test fixtures with Debian's command-line encoders, because no maintained pure-Java
 * encoder exists for FLAC, MP3 or Vorbis. In CI ({@code CI=true}) a missing tool fails the test;
 * locally the test is skipped with the package to install.
 */
final class ExternalEncoder {
  private ExternalEncoder() {}

  /** Makes sure {@code tool} is on the PATH; {@code aptPackage} is named in the message. */
  static void require(String tool, String aptPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    String message = tool + " is not installed (apt-get install " + aptPackage + ")";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  /** Runs an encoder command and returns the bytes of {@code output}. */
  static byte[] run(Path output, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] log = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", cmd) + " timed out");
    }
    assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + ": " + new String(log));
    return Files.readAllBytes(output);
  }
}
