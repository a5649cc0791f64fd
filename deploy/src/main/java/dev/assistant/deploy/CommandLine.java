package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Arguments of the deploy commands: positional words, {@code --config FILE}, and flags that are
 * shorthands for config keys ({@code --port 9092} = {@code broker.port=9092}). Flags win over the
 * file and the environment.
 */
final class CommandLine {
  final List<String> words = new ArrayList<>();
  final Map<String, String> overrides = new HashMap<>();
  Optional<Path> configFile = Optional.empty();

  private CommandLine() {}

  /**
   * @param flags flag name (without dashes) → config key; a key ending in {@code =VALUE} makes a
   *     switch that takes no argument
   */
  static CommandLine parse(String[] args, Map<String, String> flags) {
    CommandLine c = new CommandLine();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--config") || a.equals("-c")) {
        c.configFile = Optional.of(Path.of(value(args, ++i, a)));
      } else if (a.startsWith("--")) {
        String name = a.substring(2);
        String inline = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          inline = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        String key = flags.get(name);
        if (key == null) {
          throw new ConfigException("unknown option " + a);
        }
        int sw = key.indexOf('=');
        if (sw >= 0) {
          c.overrides.put(key.substring(0, sw), key.substring(sw + 1));
        } else {
          c.overrides.put(key, inline != null ? inline : value(args, ++i, a));
        }
      } else {
        c.words.add(a);
      }
    }
    if (c.configFile.isEmpty() && System.getenv("ASSISTANT_CONFIG") != null) {
      c.configFile = Optional.of(Path.of(System.getenv("ASSISTANT_CONFIG")));
    }
    return c;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new ConfigException(flag + " needs a value");
    }
    return args[i];
  }

  /** File, then environment and system properties, then the flags. */
  Config config() {
    return Config.load(configFile, System.getenv(), System.getProperties()).withAll(overrides);
  }
}
