package dev.assistant.gateway.web;

/** A request the playground refuses: the HTTP status and a reason in words for the page. */
final class HttpError extends RuntimeException {
  private final int status;

  HttpError(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
