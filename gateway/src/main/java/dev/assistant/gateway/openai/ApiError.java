package dev.assistant.gateway.openai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalLong;

/**
 * A failure answered in OpenAI's error shape, {@code {"error": {"message", "type", "param",
 * "code"}}}, with its HTTP status. Thrown anywhere below an endpoint and written in one place.
 */
final class ApiError extends RuntimeException {
  private final int status;
  private final String type;
  private final String param;
  private final String code;
  private final OptionalLong retryAfterMs;

  ApiError(
      int status, String type, String code, String param, String message, OptionalLong retryMs) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.retryAfterMs = retryMs;
  }

  /** 400 for a request that cannot be served as sent; {@code param} names the field, or null. */
  static ApiError invalid(String param, String message) {
    return new ApiError(400, "invalid_request_error", null, param, message, OptionalLong.empty());
  }

  static ApiError unauthorized(String message) {
    return new ApiError(
        401, "invalid_request_error", "invalid_api_key", null, message, OptionalLong.empty());
  }

  static ApiError modelNotFound(String model) {
    return new ApiError(
        404,
        "invalid_request_error",
        "model_not_found",
        "model",
        "The model '" + model + "' does not exist; GET /v1/models lists the models served here",
        OptionalLong.empty());
  }

  static ApiError notFound(String message) {
    return new ApiError(
        404, "invalid_request_error", "not_found", null, message, OptionalLong.empty());
  }

  static ApiError methodNotAllowed(String method, String path) {
    return new ApiError(
        405,
        "invalid_request_error",
        "method_not_allowed",
        null,
        method + " is not allowed on " + path,
        OptionalLong.empty());
  }

  static ApiError tooLarge(String message) {
    return new ApiError(
        413, "invalid_request_error", "request_too_large", null, message, OptionalLong.empty());
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  String code() {
    return code;
  }

  String param() {
    return param;
  }

  /** When the client may try again (429), from the gateway's {@code retry-after-ms} trailer. */
  OptionalLong retryAfterMs() {
    return retryAfterMs;
  }

  ObjectNode toJson() {
    ObjectNode error = JsonNodeFactory.instance.objectNode();
    error.put("message", getMessage());
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.set("error", error);
    return root;
  }
}
