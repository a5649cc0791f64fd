package dev.assistant.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import dev.assistant.api.v1.AudioChunk;
import dev.assistant.api.v1.Completed;
import dev.assistant.api.v1.Error;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.api.v1.Spectrogram;
import dev.assistant.api.v1.Stage;
import dev.assistant.api.v1.StageTiming;
import io.grpc.Status;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  @Test
  void audioCarriesItsBytesInBase64AndItsFormat() {
    byte[] pcm = {1, 2, 3, 4};
    ObjectNode o =
        EventJson.of(
            Event.newBuilder()
                .setRequestId("r")
                .setSequence(5)
                .setStage(Stage.STAGE_TTS)
                .setAudio(
                    AudioChunk.newBuilder()
                        .setFormat(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16)
                        .setSampleRate(16_000)
                        .setSentenceIndex(2)
                        .setLast(true)
                        .setData(ByteString.copyFrom(pcm)))
                .build());
    assertEquals("audio", o.get("type").asText());
    assertEquals("tts", o.get("stage").asText());
    assertEquals(5, o.get("sequence").asLong());
    assertEquals("pcm16", o.get("format").asText());
    assertEquals(16_000, o.get("sample_rate").asInt());
    assertEquals(2, o.get("sentence_index").asInt());
    assertTrue(o.get("last").asBoolean());
    assertEquals(Base64.getEncoder().encodeToString(pcm), o.get("data").asText());
  }

  @Test
  void spectrogramIsAPngInBase64() {
    ObjectNode o =
        EventJson.of(
            Event.newBuilder()
                .setSpectrogram(
                    Spectrogram.newBuilder()
                        .setSentenceIndex(1)
                        .setPng(ByteString.copyFrom(new byte[] {(byte) 0x89, 'P'})))
                .build());
    assertEquals("spectrogram", o.get("type").asText());
    assertEquals("iVA=", o.get("png").asText());
  }

  @Test
  void completedTimingsAreInMilliseconds() {
    ObjectNode o =
        EventJson.of(
            Event.newBuilder()
                .setCompleted(
                    Completed.newBuilder()
                        .addTimings(
                            StageTiming.newBuilder()
                                .setStage(Stage.STAGE_LLM)
                                .setQueued(Duration.newBuilder().setNanos(2_500_000))
                                .setProcessing(Duration.newBuilder().setSeconds(1)))
                        .setTotal(Duration.newBuilder().setSeconds(2).setNanos(500_000_000)))
                .build());
    assertEquals("llm", o.get("timings").get(0).get("stage").asText());
    assertEquals(2.5, o.get("timings").get(0).get("queued_ms").asDouble(), 1e-9);
    assertEquals(1000, o.get("timings").get(0).get("processing_ms").asDouble(), 1e-9);
    assertEquals(2500, o.get("total_ms").asDouble(), 1e-9);
  }

  @Test
  void errorsNameTheirCode() {
    ObjectNode o =
        EventJson.of(
            Event.newBuilder()
                .setError(
                    Error.newBuilder()
                        .setCode(Status.Code.CANCELLED.value())
                        .setMessage("cancelled by the client")
                        .setStage(Stage.STAGE_COORDINATOR))
                .build());
    assertEquals("error", o.get("type").asText());
    assertEquals("CANCELLED", o.get("code_name").asText());
    assertEquals("coordinator", o.get("stage").asText());
    assertEquals(499, HttpStatuses.of(Status.Code.CANCELLED));
    assertEquals(429, HttpStatuses.of(Status.Code.RESOURCE_EXHAUSTED));
  }
}
