package dev.assistant.gateway.openai;

import com.sun.net.httpserver.HttpExchange;

/** Every other path: OpenAI's 404 shape rather than the server's bare default page. */
final class NotFoundEndpoint extends Endpoint {
  NotFoundEndpoint(OpenAiSettings settings) {
    super(settings, "GET");
  }

  @Override
  boolean serves(String path) {
    return false;
  }

  @Override
  void serve(HttpExchange exchange) {
    throw new IllegalStateException("never called");
  }
}
