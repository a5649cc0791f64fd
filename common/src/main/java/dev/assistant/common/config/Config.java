package dev.assistant.common.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Immutable service configuration: a properties file overlaid with environment variables and system
 * properties. A key {@code kafka.bootstrap.servers} is overridden by the environment variable
 * {@code ASSISTANT_KAFKA_BOOTSTRAP_SERVERS} and by {@code -Dkafka.bootstrap.servers}.
 *
 * <p>Typed getters fail with {@link ConfigException} naming the key and the bad value, so a service
 * refuses to start with a clear message instead of failing later.
 */
public final class Config {
  /** Prefix of environment variables that override keys. */
  public static final String ENV_PREFIX = "ASSISTANT_";

  private final Map<String, String> values;

  private Config(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** A config holding exactly these values (tests, embedded services). */
  public static Config of(Map<String, String> values) {
    return new Config(values);
  }

  /** An empty config: every getter returns its default. */
  public static Config empty() {
    return new Config(Map.of());
  }

  /**
   * Loads the file (when given and present), then applies environment and system-property overrides
   * for every key of the file and every {@code ASSISTANT_*} variable.
   */
  public static Config load(Optional<Path> file, Map<String, String> env, Properties system) {
    Map<String, String> merged = new TreeMap<>();
    if (file.isPresent()) {
      Path path = file.get();
      if (!Files.isRegularFile(path)) {
        throw new ConfigException("config file " + path + " does not exist");
      }
      Properties props = new Properties();
      try (InputStream in = Files.newInputStream(path)) {
        props.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read config file " + path, e);
      }
      props.stringPropertyNames().forEach(k -> merged.put(k, props.getProperty(k).trim()));
    }
    env.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_PREFIX)) {
            merged.put(envToKey(name), value.trim());
          }
        });
    system
        .stringPropertyNames()
        .forEach(
            k -> {
              if (merged.containsKey(k) || k.contains(".") && isOurKey(k)) {
                merged.put(k, system.getProperty(k).trim());
              }
            });
    return new Config(merged);
  }

  /** Loads from {@code --config <file>} / {@code ASSISTANT_CONFIG} and the process environment. */
  public static Config fromArgs(String[] args) {
    Optional<Path> file = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      if (("--config".equals(args[i]) || "-c".equals(args[i])) && i + 1 < args.length) {
        file = Optional.of(Path.of(args[++i]));
      } else {
        throw new ConfigException("unknown argument '" + args[i] + "'; usage: --config <file>");
      }
    }
    if (file.isEmpty() && System.getenv("ASSISTANT_CONFIG") != null) {
      file = Optional.of(Path.of(System.getenv("ASSISTANT_CONFIG")));
    }
    return load(file, System.getenv(), System.getProperties());
  }

  private static final List<String> OUR_PREFIXES =
      List.of(
          "kafka.",
          "topics.",
          "gateway.",
          "worker.",
          "stt.",
          "llm.",
          "tts.",
          "metrics.",
          "limits.",
          "coordinator.",
          "broker.");

  private static boolean isOurKey(String key) {
    return OUR_PREFIXES.stream().anyMatch(key::startsWith);
  }

  /** {@code ASSISTANT_KAFKA_BOOTSTRAP_SERVERS} → {@code kafka.bootstrap.servers}. */
  static String envToKey(String env) {
    return env.substring(ENV_PREFIX.length())
        .toLowerCase(Locale.ROOT)
        .replace("__", "-")
        .replace('_', '.');
  }

  /** A copy with one more value (later wins). */
  public Config with(String key, String value) {
    Map<String, String> copy = new TreeMap<>(values);
    copy.put(key, value);
    return new Config(copy);
  }

  /** A copy with more values (they win). */
  public Config withAll(Map<String, String> more) {
    Map<String, String> copy = new TreeMap<>(values);
    copy.putAll(more);
    return new Config(copy);
  }

  public Optional<String> get(String key) {
    String v = values.get(key);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  public String getString(String key, String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  public String require(String key) {
    return get(key).orElseThrow(() -> new ConfigException(key + " is required but not set"));
  }

  public int getInt(String key, int defaultValue) {
    return get(key).map(v -> parse(key, v, Integer::parseInt, "an integer")).orElse(defaultValue);
  }

  /** An integer within [min, max]. */
  public int getInt(String key, int defaultValue, int min, int max) {
    int v = getInt(key, defaultValue);
    if (v < min || v > max) {
      throw new ConfigException(key + "=" + v + " is out of range [" + min + ", " + max + "]");
    }
    return v;
  }

  public long getLong(String key, long defaultValue) {
    return get(key).map(v -> parse(key, v, Long::parseLong, "an integer")).orElse(defaultValue);
  }

  public double getDouble(String key, double defaultValue) {
    return get(key).map(v -> parse(key, v, Double::parseDouble, "a number")).orElse(defaultValue);
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    return get(key)
        .map(
            v -> {
              switch (v.toLowerCase(Locale.ROOT)) {
                case "true":
                case "yes":
                case "1":
                  return true;
                case "false":
                case "no":
                case "0":
                  return false;
                default:
                  throw new ConfigException(key + "='" + v + "' is not a boolean");
              }
            })
        .orElse(defaultValue);
  }

  /** A duration as ISO-8601 ({@code PT5S}) or a number with unit: {@code 250ms}, {@code 5s}. */
  public Duration getDuration(String key, Duration defaultValue) {
    return get(key).map(v -> parseDuration(key, v)).orElse(defaultValue);
  }

  /** A byte size: {@code 1048576}, {@code 256KiB}, {@code 16MiB}, {@code 1GiB}. */
  public long getBytes(String key, long defaultValue) {
    return get(key).map(v -> parseBytes(key, v)).orElse(defaultValue);
  }

  public Optional<Path> getPath(String key) {
    return get(key).map(Path::of);
  }

  /** Comma-separated list, trimmed, empty entries dropped. */
  public List<String> getList(String key, List<String> defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    List<String> out = new ArrayList<>();
    for (String s : v.get().split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return List.copyOf(out);
  }

  /** All keys under a prefix, with the prefix removed (for passing client settings through). */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  public Map<String, String> asMap() {
    return values;
  }

  static Duration parseDuration(String key, String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) {
        return Duration.parse(v.trim());
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
      if (s.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(s.substring(0, s.length() - 1).trim()) * 1000));
      }
      if (s.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1).trim()));
      }
      if (s.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1).trim()));
      }
      return Duration.ofMillis(Long.parseLong(s));
    } catch (RuntimeException e) {
      throw new ConfigException(
          key + "='" + v + "' is not a duration (examples: 250ms, 5s, 2m, PT1H)");
    }
  }

  static long parseBytes(String key, String v) {
    String s = v.trim();
    long unit = 1;
    String[][] units = {{"KiB", "1024"}, {"MiB", "1048576"}, {"GiB", "1073741824"}, {"B", "1"}};
    for (String[] u : units) {
      if (s.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        s = s.substring(0, s.length() - u[0].length()).trim();
        break;
      }
    }
    try {
      long n = Long.parseLong(s);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, unit);
    } catch (RuntimeException e) {
      throw new ConfigException(
          key + "='" + v + "' is not a byte size (examples: 4096, 256KiB, 16MiB)");
    }
  }

  private interface ParseFn<T> {
    T apply(String s);
  }

  private static <T> T parse(String key, String v, ParseFn<T> fn, String what) {
    try {
      return fn.apply(v);
    } catch (RuntimeException e) {
      throw new ConfigException(key + "='" + v + "' is not " + what);
    }
  }
}
