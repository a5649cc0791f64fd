package dev.assistant.cli.status;

import io.grpc.Status;

/**
 * Exit codes follow the gRPC status: a script can tell "the server refused the input" (3) from
 * "overloaded, try later" (8) from "nothing listens there" (14) without parsing text.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int INVALID_ARGUMENT = Status.Code.INVALID_ARGUMENT.value();
  public static final int UNAVAILABLE = Status.Code.UNAVAILABLE.value();

  /** Bad command line (sysexits EX_USAGE); picocli's own 2 would read as gRPC UNKNOWN. */
  public static final int USAGE = 64;

  /** A batch ran to its end but some items failed (sysexits EX_DATAERR). */
  public static final int ITEMS_FAILED = 65;

  /** An unexpected failure inside the command line itself (sysexits EX_SOFTWARE). */
  public static final int SOFTWARE = 70;

  /** A local output file could not be written (sysexits EX_IOERR). */
  public static final int IO_ERROR = 74;

  private ExitCodes() {}

  /** The exit code of a gRPC status: its code number (0 for OK). */
  public static int of(Status status) {
    return status.getCode().value();
  }

  /** The exit code of an error event's {@code google.rpc.Code} number. */
  public static int ofCode(int grpcCode) {
    return grpcCode >= 1 && grpcCode <= 16 ? grpcCode : Status.Code.UNKNOWN.value();
  }

  /** "CODE: description", the form every error line takes. */
  public static String describe(Status status) {
    String d = status.getDescription();
    return status.getCode() + (d == null || d.isEmpty() ? "" : ": " + d);
  }
}
