package dev.assistant.gateway.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}: the model of each stage. */
final class ModelsEndpoint extends Endpoint {
  private static final String PATH = "/v1/models";
  private final long created = Instant.now().getEpochSecond();

  ModelsEndpoint(OpenAiSettings settings) {
    super(settings, "GET");
  }

  @Override
  boolean serves(String path) {
    return path.equals(PATH) || path.startsWith(PATH + "/");
  }

  @Override
  void serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    ModelCatalog models = settings().models();
    if (path.equals(PATH) || path.equals(PATH + "/")) {
      ObjectNode list = JSON.createObjectNode().put("object", "list");
      ArrayNode data = list.putArray("data");
      data.add(model(models.stt(), "stt"));
      data.add(model(models.llm(), "llm"));
      data.add(model(models.tts(), "tts"));
      sendJson(exchange, 200, list);
      return;
    }
    String id = path.substring(PATH.length() + 1);
    String stage =
        id.equals(models.stt())
            ? "stt"
            : id.equals(models.llm()) ? "llm" : id.equals(models.tts()) ? "tts" : null;
    if (stage == null) {
      throw ApiError.modelNotFound(id);
    }
    sendJson(exchange, 200, model(id, stage));
  }

  private ObjectNode model(String id, String stage) {
    return JSON.createObjectNode()
        .put("id", id)
        .put("object", "model")
        .put("created", created)
        .put("owned_by", "assistant-" + stage);
  }
}
