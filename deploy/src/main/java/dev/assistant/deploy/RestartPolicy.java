package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.time.Duration;

/**
 * When the launcher restarts a process that exited unasked, the way a cluster's crash-loop back-off
 * does: the first restart after {@code initialBackoff}, each further one twice as late up to {@code
 * maxBackoff}; a process that stayed up for {@code resetAfter} starts again from the first delay.
 * Keys: {@code launcher.restart.backoff} (1 s), {@code launcher.restart.max.backoff} (30 s), {@code
 * launcher.restart.reset.after} (60 s).
 */
public record RestartPolicy(Duration initialBackoff, Duration maxBackoff, Duration resetAfter) {

  public RestartPolicy {
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new ConfigException("launcher.restart.backoff must be positive");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new ConfigException(
          "launcher.restart.max.backoff must be at least launcher.restart.backoff");
    }
    if (resetAfter.isNegative() || resetAfter.isZero()) {
      throw new ConfigException("launcher.restart.reset.after must be positive");
    }
  }

  static RestartPolicy from(Config config) {
    return new RestartPolicy(
        config.getDuration("launcher.restart.backoff", Duration.ofSeconds(1)),
        config.getDuration("launcher.restart.max.backoff", Duration.ofSeconds(30)),
        config.getDuration("launcher.restart.reset.after", Duration.ofSeconds(60)));
  }

  /**
   * The attempt number of the restart that follows an exit: one more than the previous one, or 1
   * when the process had been up for {@code resetAfter} (a crash an hour later is a new story).
   */
  int nextAttempt(int previousAttempt, Duration uptime) {
    return uptime.compareTo(resetAfter) >= 0 ? 1 : previousAttempt + 1;
  }

  /** How long to wait before restart {@code attempt} (1-based). */
  Duration delay(int attempt) {
    Duration d = initialBackoff;
    for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  /** {@code 250 ms}, {@code 2 s}, {@code 1.5 s}: how a delay reads in the log. */
  static String describe(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    return ms % 1000 == 0
        ? ms / 1000 + " s"
        : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
