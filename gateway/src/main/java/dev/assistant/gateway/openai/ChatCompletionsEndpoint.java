package dev.assistant.gateway.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.assistant.api.v1.Answer;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.Usage;
import io.grpc.Channel;
import java.io.IOException;
import java.time.Instant;

/**
 * {@code POST /v1/chat/completions}: one Ask per completion ({@link ChatRequest} says how a chat
 * maps onto it), answered whole or streamed as {@code chat.completion.chunk} events ending with
 * {@code [DONE]}. Stop strings are applied here, since the pipeline has none: the answer is cut
 * where one first appears and the request is cancelled in every stage.
 */
final class ChatCompletionsEndpoint extends Endpoint {
  private final Channel api;

  ChatCompletionsEndpoint(OpenAiSettings settings, Channel api) {
    super(settings, "POST");
    this.api = api;
  }

  @Override
  boolean serves(String path) {
    return path.equals("/v1/chat/completions");
  }

  @Override
  void serve(HttpExchange exchange) throws IOException {
    ChatRequest request = ChatRequest.parse(jsonBody(exchange));
    settings().models().requireLlm(request.model());
    String model = settings().models().llm();
    long created = Instant.now().getEpochSecond();
    try (AskCall call = new AskCall(api, request.ask())) {
      if (request.stream()) {
        stream(exchange, call, request, model, created);
      } else {
        whole(exchange, call, request, model, created);
      }
    }
  }

  private static void whole(
      HttpExchange exchange, AskCall call, ChatRequest request, String model, long created)
      throws IOException {
    StopScanner text = new StopScanner(request.stops());
    Answer answer = null;
    int tokens = 0;
    for (Event e = call.next(); e != null; e = call.next()) {
      if (e.hasAnswerDelta()) {
        tokens += e.getAnswerDelta().getTokenCount();
        text.append(e.getAnswerDelta().getText());
        if (text.stopped()) {
          call.cancel();
          break;
        }
      } else if (e.hasAnswer()) {
        answer = e.getAnswer();
      }
    }
    ObjectNode completion = head(call, "chat.completion", model, created);
    ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
    choice
        .putObject("message")
        .put("role", "assistant")
        .put("content", text.stopped() || answer == null ? text.text() : answer.getText())
        .putNull("refusal");
    choice.put("finish_reason", finishReason(text, answer));
    choice.putNull("logprobs");
    completion.set("usage", usage(answer, tokens));
    sendJson(exchange, 200, completion);
  }

  private static void stream(
      HttpExchange exchange, AskCall call, ChatRequest request, String model, long created)
      throws IOException {
    Event first = call.firstOutput(); // a refusal before any output keeps its HTTP status
    ServerSentEvents sse = ServerSentEvents.start(exchange);
    StopScanner text = new StopScanner(request.stops());
    Answer answer = null;
    int tokens = 0;
    ObjectNode opening = delta(call, model, created, "");
    ((ObjectNode) opening.get("choices").get(0).get("delta")).put("role", "assistant");
    sse.data(opening);
    try {
      for (Event e = first; e != null; e = call.next()) {
        if (e.hasAnswerDelta()) {
          tokens += e.getAnswerDelta().getTokenCount();
          String fresh = text.append(e.getAnswerDelta().getText());
          if (!fresh.isEmpty()) {
            sse.data(delta(call, model, created, fresh));
          }
          if (text.stopped()) {
            call.cancel();
            break;
          }
        } else if (e.hasAnswer()) {
          answer = e.getAnswer();
        }
      }
      String rest = text.flush();
      if (!rest.isEmpty()) {
        sse.data(delta(call, model, created, rest));
      }
    } catch (ApiError e) {
      sse.error(e);
      return;
    }
    ObjectNode end = chunk(call, model, created);
    end.putArray("choices")
        .addObject()
        .put("index", 0)
        .put("finish_reason", finishReason(text, answer))
        .putObject("delta");
    sse.data(end);
    if (request.includeUsage()) {
      ObjectNode usage = chunk(call, model, created);
      usage.putArray("choices");
      usage.set("usage", usage(answer, tokens));
      sse.data(usage);
    }
    sse.done();
  }

  private static ObjectNode head(AskCall call, String object, String model, long created) {
    return JSON.createObjectNode()
        .put("id", "chatcmpl-" + call.requestId())
        .put("object", object)
        .put("created", created)
        .put("model", model);
  }

  private static ObjectNode chunk(AskCall call, String model, long created) {
    return head(call, "chat.completion.chunk", model, created);
  }

  /** A chunk with new answer text. */
  private static ObjectNode delta(AskCall call, String model, long created, String content) {
    ObjectNode chunk = chunk(call, model, created);
    chunk
        .putArray("choices")
        .addObject()
        .put("index", 0)
        .putNull("finish_reason")
        .putObject("delta")
        .put("content", content);
    return chunk;
  }

  private static String finishReason(StopScanner text, Answer answer) {
    if (text.stopped() || answer == null) {
      return "stop";
    }
    return answer.getFinishReason().equals("length") ? "length" : "stop";
  }

  /**
   * The answer's usage; an answer cut at a stop string has none (the request was cancelled), so its
   * completion tokens are those of the deltas received and its prompt tokens are unknown (0).
   */
  private static ObjectNode usage(Answer answer, int deltaTokens) {
    Usage usage = answer == null ? null : answer.getUsage();
    int prompt = usage == null ? 0 : usage.getPromptTokens();
    int completion = usage == null ? deltaTokens : usage.getCompletionTokens();
    return JSON.createObjectNode()
        .put("prompt_tokens", prompt)
        .put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
  }
}
