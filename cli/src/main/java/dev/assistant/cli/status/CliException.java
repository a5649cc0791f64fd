package dev.assistant.cli.status;

/** A failure the user can act on: printed as one line, and the process exits with its code. */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /**
   * Unusable local input (missing file, bad option value): INVALID_ARGUMENT, as the server says.
   */
  public static CliException badInput(String message) {
    return new CliException(ExitCodes.INVALID_ARGUMENT, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
