package dev.assistant.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * JVM flags every service gets, filtered by what the JDK accepts: the llm worker's kernels use the
 * incubating Vector API, and whisper-jni / DJL load native code, which newer JDKs warn about (and
 * will refuse) without {@code --enable-native-access}.
 */
final class JvmFlags {
  static final List<String> WANTED =
      List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED");

  private static final ConcurrentHashMap<Path, List<String>> ACCEPTED = new ConcurrentHashMap<>();

  private JvmFlags() {}

  /** The wanted flags this {@code java} accepts (probed once per executable). */
  static List<String> accepted(Path java) {
    return ACCEPTED.computeIfAbsent(
        java,
        j -> {
          if (accepts(j, WANTED)) {
            return WANTED;
          }
          List<String> ok = new ArrayList<>();
          for (String flag : WANTED) {
            if (accepts(j, List.of(flag))) {
              ok.add(flag);
            }
          }
          return List.copyOf(ok);
        });
  }

  static boolean accepts(Path java, List<String> flags) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(flags);
    command.add("-version");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
