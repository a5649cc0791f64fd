package dev.assistant.deploy;

import dev.assistant.common.config.ConfigException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many processes of each service the launcher runs: {@code --scale stt=2,llm=2,tts=2} (config
 * key {@code launcher.scale}). Services not named run once.
 */
final class Scale {
  /** Far more than one machine can hold; a typo such as {@code llm=20} is refused early. */
  static final int MAX_INSTANCES = 16;

  private Scale() {}

  /** Parses {@code service=count,...}; names as in {@code launcher.services}. */
  static Map<StackService, Integer> parse(String spec) {
    Map<StackService, Integer> counts = new EnumMap<>(StackService.class);
    if (spec == null || spec.isBlank()) {
      return Collections.unmodifiableMap(counts);
    }
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq < 0) {
        throw new ConfigException(
            "launcher.scale: '" + p + "' must be service=count, e.g. --scale stt=2,llm=2");
      }
      StackService s;
      try {
        s = StackService.byName(p.substring(0, eq));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("launcher.scale: " + e.getMessage());
      }
      int n;
      try {
        n = Integer.parseInt(p.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new ConfigException("launcher.scale: '" + p + "': the count is not a number");
      }
      if (n < 1 || n > MAX_INSTANCES) {
        throw new ConfigException(
            "launcher.scale: " + s.id() + "=" + n + " must be between 1 and " + MAX_INSTANCES);
      }
      if (counts.put(s, n) != null) {
        throw new ConfigException("launcher.scale: " + s.id() + " is given twice");
      }
    }
    return Collections.unmodifiableMap(counts);
  }
}
