package dev.assistant.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assistant.gateway.grpc.AssistantService;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {
  private static int status(Status.Code code) {
    return GrpcErrors.from(code, "x", OptionalLong.empty()).status();
  }

  @Test
  void everyStatusMapsToItsHttpStatus() {
    assertEquals(400, status(Status.Code.INVALID_ARGUMENT));
    assertEquals(400, status(Status.Code.FAILED_PRECONDITION));
    assertEquals(401, status(Status.Code.UNAUTHENTICATED));
    assertEquals(403, status(Status.Code.PERMISSION_DENIED));
    assertEquals(404, status(Status.Code.NOT_FOUND));
    assertEquals(409, status(Status.Code.CANCELLED));
    assertEquals(429, status(Status.Code.RESOURCE_EXHAUSTED));
    assertEquals(500, status(Status.Code.INTERNAL));
    assertEquals(500, status(Status.Code.UNKNOWN));
    assertEquals(501, status(Status.Code.UNIMPLEMENTED));
    assertEquals(503, status(Status.Code.UNAVAILABLE));
    assertEquals(504, status(Status.Code.DEADLINE_EXCEEDED));
  }

  @Test
  void overLimitInputIs413AndKeepsTheGatewaysReason() {
    ApiError e =
        GrpcErrors.from(
            Status.INVALID_ARGUMENT
                .withDescription("audio: 2400.0 s exceeds the limit of 1800 s")
                .asRuntimeException());
    assertEquals(413, e.status());
    assertEquals("audio: 2400.0 s exceeds the limit of 1800 s", e.getMessage());
  }

  @Test
  void theRetryHintTrailerBecomesRetryAfterAndTheBodyHasOpenAisShape() {
    Metadata trailers = new Metadata();
    trailers.put(AssistantService.RETRY_AFTER_MS, "1500");
    ApiError e =
        GrpcErrors.from(
            Status.RESOURCE_EXHAUSTED.withDescription("busy").asRuntimeException(trailers));
    assertEquals(429, e.status());
    assertEquals(OptionalLong.of(1500), e.retryAfterMs());
    JsonNode body = e.toJson().get("error");
    assertEquals("busy", body.get("message").asText());
    assertEquals("rate_limit_exceeded", body.get("type").asText());
    assertTrue(body.has("param") && body.get("param").isNull());
    assertEquals("rate_limit_exceeded", body.get("code").asText());
  }

  @Test
  void aStagesErrorEventMapsByItsCode() {
    ApiError e =
        GrpcErrors.from(
            dev.assistant.api.v1.Error.newBuilder()
                .setCode(Status.Code.INVALID_ARGUMENT.value())
                .setMessage("stt: not a WAV file")
                .build());
    assertEquals(400, e.status());
    assertEquals("stt: not a WAV file", e.getMessage());
  }
}
