package dev.assistant.audio;

/**
 * Bounds on one decoded input, so that a hostile or mistaken upload cannot exhaust memory.
 *
 * @param maxInputBytes largest encoded input accepted
 * @param maxSeconds longest audio accepted; decoding stops with an error as soon as it is exceeded
 */
public record AudioLimits(long maxInputBytes, double maxSeconds) {
  /** 64 MiB and 30 minutes. */
  public static final AudioLimits DEFAULT = new AudioLimits(64L << 20, 1800);

  public AudioLimits {
    if (maxInputBytes <= 0) {
      throw new IllegalArgumentException("maxInputBytes must be positive, got " + maxInputBytes);
    }
    if (!(maxSeconds > 0) || maxSeconds > 24 * 3600) {
      throw new IllegalArgumentException("maxSeconds must be in (0, 86400], got " + maxSeconds);
    }
  }
}
