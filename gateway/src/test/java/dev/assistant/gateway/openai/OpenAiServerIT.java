package dev.assistant.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.common.config.Config;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP server itself on a loopback port, with no gateway behind it. */
class OpenAiServerIT {
  private final ManagedChannel nowhere = InProcessChannelBuilder.forName("none").build();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    nowhere.shutdownNow();
  }

  private static Config config(String... kv) {
    Map<String, String> m = new java.util.HashMap<>(Map.of("gateway.openai.port", "0"));
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Config.of(m);
  }

  private HttpResponse<String> get(OpenAiApi api, String path, String key) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(api.baseUrl() + path));
    if (key != null) {
      r.header("Authorization", "Bearer " + key);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void disabledStartsNothing() throws Exception {
    assertNull(OpenAiApi.start(config("gateway.openai.enabled", "false"), nowhere));
  }

  @Test
  void modelsComeFromTheStagesConfiguration() throws Exception {
    OpenAiApi api =
        OpenAiApi.start(
            config(
                "stt.model.path", "/models/ggml-base.en.bin",
                "llm.model.dir", "/models/llava-1.5-7b-hf/",
                "tts.backend", "piper"),
            nowhere);
    try {
      String body = get(api, "/models", null).body();
      assertTrue(body.contains("\"ggml-base.en\""), body);
      assertTrue(body.contains("\"llava-1.5-7b-hf\""), body);
      assertTrue(body.contains("\"piper\""), body);
      assertEquals(200, get(api, "/models/piper", null).statusCode());
    } finally {
      api.close();
    }
  }

  @Test
  void keysAreCheckedBeforeAnythingElse() throws Exception {
    OpenAiApi api = OpenAiApi.start(config("gateway.openai.api.keys", "a,b"), nowhere);
    try {
      HttpResponse<String> none = get(api, "/models", null);
      assertEquals(401, none.statusCode());
      assertTrue(none.body().contains("\"invalid_api_key\""), none.body());
      assertEquals(401, get(api, "/nothing", "c").statusCode());
      assertEquals(200, get(api, "/models", "b").statusCode());
      assertEquals(404, get(api, "/nothing", "b").statusCode());
    } finally {
      api.close();
    }
  }

  @Test
  void aTakenPortIsAClearError() throws Exception {
    OpenAiApi first = OpenAiApi.start(config(), nowhere);
    try {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  OpenAiApi.start(
                      config("gateway.openai.port", Integer.toString(first.port())), nowhere));
      assertTrue(e.getMessage().contains("gateway.openai.port"), e.getMessage());
    } finally {
      first.close();
    }
  }
}
