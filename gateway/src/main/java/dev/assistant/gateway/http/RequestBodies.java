package dev.assistant.gateway.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reading a whole HTTP request body under a limit, for every HTTP door of the gateway. A body whose
 * declared length is over the limit is refused before anything is read; one without a declared
 * length is read up to one byte past the limit, never further. Each door says how it reports the
 * two refusals, in its own error shape.
 */
public final class RequestBodies {
  private RequestBodies() {}

  /**
   * @param badLength the error for a {@code Content-Length} that is not a number (given its text)
   * @param tooLarge the error for a body over {@code limit} bytes
   */
  public static byte[] read(
      HttpExchange exchange,
      long limit,
      Function<String, RuntimeException> badLength,
      Supplier<RuntimeException> tooLarge)
      throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw badLength.apply(declared);
      }
      if (length > limit) {
        throw tooLarge.get();
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (body.length > limit) {
        throw tooLarge.get();
      }
      return body;
    }
  }
}
