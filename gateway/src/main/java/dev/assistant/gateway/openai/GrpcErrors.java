package dev.assistant.gateway.openai;

import dev.assistant.api.v1.Error;
import dev.assistant.gateway.grpc.AssistantService;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.OptionalLong;

/**
 * The one place where a gRPC status of the gateway's API becomes an HTTP status and an OpenAI error
 * type. The front end is a client of that API, so every failure it relays arrives as a status:
 * refused by validation or admission, or reported by a stage in an error event.
 */
final class GrpcErrors {
  private GrpcErrors() {}

  static ApiError from(StatusRuntimeException e) {
    Metadata trailers = Status.trailersFromThrowable(e);
    OptionalLong retry = OptionalLong.empty();
    if (trailers != null) {
      String ms = trailers.get(AssistantService.RETRY_AFTER_MS);
      if (ms != null) {
        try {
          retry = OptionalLong.of(Math.max(0, Long.parseLong(ms.trim())));
        } catch (NumberFormatException ignored) {
          // A malformed hint is no hint.
        }
      }
    }
    return from(e.getStatus().getCode(), e.getStatus().getDescription(), retry);
  }

  /** A stage's error event (the call then ends with the same status). */
  static ApiError from(Error error) {
    return from(
        Status.fromCodeValue(error.getCode()).getCode(), error.getMessage(), OptionalLong.empty());
  }

  static ApiError from(Status.Code code, String description, OptionalLong retryAfterMs) {
    String message =
        description == null || description.isBlank()
            ? code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            : description;
    return switch (code) {
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE ->
          // The gateway's size limits (audio bytes and seconds, image bytes, prompt length) are
          // INVALID_ARGUMENT "... exceeds the limit of ..."; HTTP has a status for exactly that.
          message.contains("exceeds the limit")
              ? error(413, "invalid_request_error", "request_too_large", message, retryAfterMs)
              : error(400, "invalid_request_error", null, message, retryAfterMs);
      case UNAUTHENTICATED ->
          error(401, "invalid_request_error", "invalid_api_key", message, retryAfterMs);
      case PERMISSION_DENIED ->
          error(403, "invalid_request_error", "permission_denied", message, retryAfterMs);
      case NOT_FOUND -> error(404, "invalid_request_error", "not_found", message, retryAfterMs);
      case ALREADY_EXISTS, ABORTED, CANCELLED ->
          error(
              409,
              "invalid_request_error",
              code.name().toLowerCase(java.util.Locale.ROOT),
              message,
              retryAfterMs);
      case RESOURCE_EXHAUSTED ->
          error(429, "rate_limit_exceeded", "rate_limit_exceeded", message, retryAfterMs);
      case UNIMPLEMENTED -> error(501, "server_error", "not_implemented", message, retryAfterMs);
      case UNAVAILABLE -> error(503, "server_error", "unavailable", message, retryAfterMs);
      case DEADLINE_EXCEEDED -> error(504, "server_error", "timeout", message, retryAfterMs);
      default -> error(500, "server_error", "internal_error", message, retryAfterMs);
    };
  }

  private static ApiError error(
      int status, String type, String code, String message, OptionalLong retryAfterMs) {
    return new ApiError(status, type, code, null, message, retryAfterMs);
  }
}
