package dev.assistant.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartFormTest {
  private static final String B = "----x7MA4YWxkTrZu0gW";

  private static byte[] body(byte[] file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head =
        "--"
            + B
            + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper\r\n--"
            + B
            + "\r\nContent-Disposition: form-data; name=\"timestamp_granularities[]\"\r\n\r\n"
            + "segment\r\n--"
            + B
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".wav\"\r\n"
            + "Content-Type: audio/wav\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(file);
    out.writeBytes(("\r\n--" + B + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Test
  void parsesTextFieldsAndABinaryFileThatContainsLineBreaksAndDashes() {
    byte[] file = {'R', 'I', 'F', 'F', '\r', '\n', '-', '-', 0, (byte) 0xff, '\r', '\n'};
    MultipartForm form =
        MultipartForm.parse(
            body(file), MultipartForm.boundary("multipart/form-data; boundary=\"" + B + "\""));
    assertEquals("whisper", form.text("model").orElseThrow());
    assertEquals(List.of("segment"), form.texts("timestamp_granularities[]"));
    MultipartForm.Part part = form.part("file").orElseThrow();
    assertArrayEquals(file, part.data());
    assertEquals("a \"b\".wav", part.filename());
    assertEquals("audio/wav", part.contentType());
  }

  @Test
  void refusesWhatIsNotAFormWithAReason() {
    assertTrue(
        assertThrows(ApiError.class, () -> MultipartForm.boundary("application/json"))
            .getMessage()
            .contains("multipart/form-data"));
    assertTrue(
        assertThrows(ApiError.class, () -> MultipartForm.boundary("multipart/form-data"))
            .getMessage()
            .contains("boundary"));
    byte[] whole = body(new byte[] {1, 2, 3});
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 12);
    ApiError e = assertThrows(ApiError.class, () -> MultipartForm.parse(truncated, B));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("ends inside a part"), e.getMessage());
    assertThrows(
        ApiError.class,
        () -> MultipartForm.parse("no boundary".getBytes(StandardCharsets.UTF_8), B));
  }
}
