package dev.assistant.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads "250ms", "30s", "5m", "2h" or ISO-8601 ("PT30S"). */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("p")) {
        return positive(Duration.parse(value.trim().toUpperCase(Locale.ROOT)), value);
      }
      if (v.endsWith("ms")) {
        return positive(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      switch (v.charAt(v.length() - 1)) {
        case 's':
          return positive(Duration.ofSeconds(n), value);
        case 'm':
          return positive(Duration.ofMinutes(n), value);
        case 'h':
          return positive(Duration.ofHours(n), value);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // fall through to the one message below
    }
    throw new TypeConversionException(
        "'" + value + "' is not a duration (use e.g. 250ms, 30s, 5m, 2h)");
  }

  private static Duration positive(Duration d, String value) {
    if (d.isNegative() || d.isZero()) {
      throw new TypeConversionException("'" + value + "' must be positive");
    }
    return d;
  }
}
