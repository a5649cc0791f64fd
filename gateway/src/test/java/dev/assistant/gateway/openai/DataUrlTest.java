package dev.assistant.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class DataUrlTest {
  private static String message(String url) {
    ApiError e = assertThrows(ApiError.class, () -> DataUrl.image(url, "image_url"));
    assertEquals(400, e.status());
    assertEquals("image_url", e.param());
    return e.getMessage();
  }

  @Test
  void decodesBase64ImagesOfTheAcceptedTypes() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    String b64 = Base64.getEncoder().encodeToString(png);
    DataUrl url = DataUrl.image("data:image/png;base64," + b64, "image_url");
    assertEquals("image/png", url.mimeType());
    assertArrayEquals(png, url.data());
    assertEquals("image/jpeg", DataUrl.image("data:image/jpg;base64," + b64, "p").mimeType());
    assertEquals("image/webp", DataUrl.image("DATA:image/webp;base64," + b64, "p").mimeType());
  }

  @Test
  void refusesNetworkUrlsOtherTypesAndBrokenData() {
    assertTrue(message("https://example.com/cat.png").contains("does not fetch"));
    assertTrue(message("http://10.0.0.1/x").contains("only data: URLs"));
    assertTrue(message("data:image/gif;base64,R0lGOD").contains("'image/gif' is not supported"));
    assertTrue(message("data:image/png,rawbytes").contains("base64"));
    assertTrue(message("data:image/png;base64,@@@").contains("invalid base64"));
    assertTrue(message("data:image/png;base64").contains("comma"));
    assertTrue(message("ftp://x").contains("not a data: URL"));
  }
}
