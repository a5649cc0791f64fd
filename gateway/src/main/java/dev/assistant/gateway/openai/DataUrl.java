package dev.assistant.gateway.openai;

import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * An image given inline as a {@code data:} URL (RFC 2397), the only kind of image URL the API
 * accepts: the server fetches nothing from the network, so a request cannot make it reach hosts on
 * the caller's behalf.
 *
 * @param mimeType the declared media type, lower case
 * @param data the decoded bytes
 */
record DataUrl(String mimeType, byte[] data) {
  private static final Set<String> IMAGE_TYPES =
      Set.of("image/png", "image/jpeg", "image/jpg", "image/webp");

  /** Parses an image URL; {@code param} names the field in error messages. */
  static DataUrl image(String url, String param) {
    if (url == null || url.isEmpty()) {
      throw ApiError.invalid(param, param + ": an image URL is required");
    }
    String lower = url.substring(0, Math.min(url.length(), 16)).toLowerCase(Locale.ROOT);
    if (lower.startsWith("http:") || lower.startsWith("https:")) {
      throw ApiError.invalid(
          param,
          param
              + ": only data: URLs are accepted (data:image/png;base64,...); this server does not"
              + " fetch images from the network");
    }
    if (!lower.startsWith("data:")) {
      throw ApiError.invalid(param, param + ": not a data: URL");
    }
    int comma = url.indexOf(',');
    if (comma < 0) {
      throw ApiError.invalid(param, param + ": data: URL without a comma before its data");
    }
    String[] meta = url.substring("data:".length(), comma).split(";");
    String mime = meta[0].trim().toLowerCase(Locale.ROOT);
    boolean base64 = false;
    for (int i = 1; i < meta.length; i++) {
      base64 |= meta[i].trim().equalsIgnoreCase("base64");
    }
    if (!IMAGE_TYPES.contains(mime)) {
      throw ApiError.invalid(
          param,
          param
              + ": image type '"
              + (mime.isEmpty() ? "(none)" : mime)
              + "' is not supported; use image/png, image/jpeg or image/webp");
    }
    if (!base64) {
      throw ApiError.invalid(param, param + ": data: URL must be base64-encoded (;base64,)");
    }
    return new DataUrl(mime.equals("image/jpg") ? "image/jpeg" : mime, decode(url, comma, param));
  }

  private static byte[] decode(String url, int comma, String param) {
    try {
      return Base64.getDecoder().decode(url.substring(comma + 1).replaceAll("\\s+", ""));
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid(param, param + ": invalid base64 data: " + e.getMessage());
    }
  }
}
