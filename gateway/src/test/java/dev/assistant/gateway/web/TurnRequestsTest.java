package dev.assistant.gateway.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.OutputAudioFormat;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TurnRequestsTest {
  private static ConverseHeader map(String json) {
    return TurnRequests.header(json.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpError refused(String json) {
    return assertThrows(HttpError.class, () -> map(json));
  }

  @Test
  void microphoneTurnBecomesAPcm16MonoHeader() {
    ConverseHeader h =
        map(
            """
            {"prompt": "What is this?", "audio": {"sample_rate": 48000},
             "image": {"data": "AQID", "mime_type": "image/png"},
             "options": {"language": "de", "voice": "kevin16", "max_tokens": 64, "seed": 7,
                         "history": [{"role": "user", "text": "hi"}]}}
            """);
    assertEquals("What is this?", h.getPrompt());
    assertFalse(h.getNoAudio());
    assertEquals(AudioEncoding.AUDIO_ENCODING_PCM16, h.getAudioEncoding());
    assertEquals(48_000, h.getSampleRate());
    assertEquals(1, h.getChannels());
    assertArrayEquals(new byte[] {1, 2, 3}, h.getImage().getData().toByteArray());
    assertEquals("image/png", h.getImage().getMimeType());
    assertEquals("de", h.getOptions().getLanguage());
    assertEquals("kevin16", h.getOptions().getVoice());
    assertEquals(64, h.getOptions().getMaxTokens());
    assertEquals(7, h.getOptions().getSeed());
    assertEquals("hi", h.getOptions().getHistory(0).getText());
    assertEquals(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16, h.getOptions().getOutputFormat());
    assertTrue(h.getOptions().getSpectrogram(), "the page shows spectrograms by default");
  }

  @Test
  void turnWithoutAudioSaysSo() {
    ConverseHeader h = map("{\"prompt\": \"hi\"}");
    assertTrue(h.getNoAudio());
    assertFalse(h.hasImage());
    assertFalse(h.getOptions().hasSeed());
  }

  @Test
  void malformedTurnsAreRefusedWithTheReason() {
    assertTrue(refused("{\"prompt\": ").getMessage().startsWith("the turn is not valid JSON"));
    assertTrue(refused("[1]").getMessage().contains("JSON object"));
    assertTrue(refused("{\"promt\": \"x\"}").getMessage().contains("unknown field 'promt'"));
    assertTrue(refused("{\"prompt\": 3}").getMessage().contains("prompt must be a string"));
    assertTrue(
        refused("{\"image\": {\"data\": \"@@@\"}}")
            .getMessage()
            .contains("image.data is not base64"));
    assertTrue(
        refused("{\"audio\": {\"sample_rate\": 1.5}}")
            .getMessage()
            .contains("sample_rate must be an integer"));
    assertTrue(refused("{\"options\": {\"colour\": 1}}").getMessage().contains("'options.colour'"));
    assertEquals(400, refused("{\"options\": {\"history\": 5}}").status());
  }
}
