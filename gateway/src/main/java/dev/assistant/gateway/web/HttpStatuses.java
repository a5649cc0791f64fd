package dev.assistant.gateway.web;

import io.grpc.Status;

/** The one place where a gRPC status of the gateway's API becomes an HTTP status. */
final class HttpStatuses {
  private HttpStatuses() {}

  static int of(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
    };
  }

  /** An HTTP error carrying the status's own description. */
  static HttpError error(Status status) {
    String reason =
        status.getDescription() == null ? status.getCode().name() : status.getDescription();
    return new HttpError(of(status.getCode()), reason);
  }
}
