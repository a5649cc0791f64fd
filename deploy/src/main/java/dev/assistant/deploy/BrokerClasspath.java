package dev.assistant.deploy;

import dev.assistant.common.config.ConfigException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker JVM's classpath, written at build time by {@code maven-dependency-plugin
 * build-classpath} (see {@code deploy/pom.xml}) so that starting a broker never downloads anything.
 */
public final class BrokerClasspath {
  /** Where the build writes it, relative to the repository root. */
  public static final Path DEFAULT_FILE = Path.of("deploy", "target", "broker.classpath");

  private static final String MAIN_JAR_PREFIX = "kafka_2.13-";

  private BrokerClasspath() {}

  /** Reads and checks the classpath file: every entry must exist and the broker jar be present. */
  public static List<Path> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          "broker classpath file "
              + file.toAbsolutePath()
              + " is missing; build it with: mvn -q -pl deploy -am package -DskipTests");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return parse(text, file.toString());
  }

  static List<Path> parse(String text, String origin) {
    List<Path> entries = new ArrayList<>();
    boolean hasBroker = false;
    for (String entry : text.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path jar = Path.of(entry.trim());
      if (!Files.exists(jar)) {
        throw new ConfigException(
            "broker classpath entry " + jar + " (from " + origin + ") does not exist; rebuild it");
      }
      hasBroker |= jar.getFileName().toString().startsWith(MAIN_JAR_PREFIX);
      entries.add(jar);
    }
    if (!hasBroker) {
      throw new ConfigException(origin + " has no " + MAIN_JAR_PREFIX + "*.jar: not a broker");
    }
    return List.copyOf(entries);
  }

  /** The entries joined for {@code java -cp}. */
  public static String join(List<Path> entries) {
    List<String> s = new ArrayList<>();
    entries.forEach(p -> s.add(p.toString()));
    return String.join(File.pathSeparator, s);
  }
}
