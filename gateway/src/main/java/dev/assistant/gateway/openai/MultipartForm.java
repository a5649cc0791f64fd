package dev.assistant.gateway.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed {@code multipart/form-data} body (RFC 7578), as the audio endpoints receive it. The body
 * is already in memory and bounded by the server's body limit, so parts are slices of it; every
 * malformation is a 400 that says what is wrong.
 */
final class MultipartForm {
  /** One form field: a text value, or a file when {@code filename} is present. */
  record Part(String name, String filename, String contentType, byte[] data) {
    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  private final List<Part> parts;

  private MultipartForm(List<Part> parts) {
    this.parts = List.copyOf(parts);
  }

  List<Part> parts() {
    return parts;
  }

  Optional<Part> part(String name) {
    return parts.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** A text field, trimmed; empty when absent. */
  Optional<String> text(String name) {
    return part(name).map(p -> p.text().trim());
  }

  /** Every value of a repeated field ({@code timestamp_granularities[]}). */
  List<String> texts(String name) {
    return parts.stream().filter(p -> p.name().equals(name)).map(p -> p.text().trim()).toList();
  }

  /** The boundary from a Content-Type header, or a 400 naming what is missing. */
  static String boundary(String contentType) {
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw ApiError.invalid(
          null,
          "Content-Type must be multipart/form-data, got "
              + (contentType == null ? "none" : "'" + contentType + "'"));
    }
    for (String param : contentType.split(";")) {
      String p = param.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String b = p.substring("boundary=".length()).trim();
        if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
          b = b.substring(1, b.length() - 1);
        }
        if (b.isEmpty() || b.length() > 70) {
          throw ApiError.invalid(null, "multipart boundary must be 1-70 characters");
        }
        return b;
      }
    }
    throw ApiError.invalid(null, "multipart/form-data without a boundary parameter");
  }

  static MultipartForm parse(byte[] body, String boundary) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int pos = indexOf(body, delimiter, 0);
    if (pos < 0) {
      throw ApiError.invalid(null, "multipart body does not contain its boundary");
    }
    List<Part> parts = new ArrayList<>();
    byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    while (true) {
      int after = pos + delimiter.length;
      if (startsWith(body, after, "--")) {
        return new MultipartForm(parts); // the closing delimiter
      }
      if (!startsWith(body, after, "\r\n")) {
        throw ApiError.invalid(null, "multipart boundary is not followed by a line break");
      }
      int headersStart = after + 2;
      int headersEnd =
          indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
      if (headersEnd < 0) {
        throw ApiError.invalid(null, "multipart part without the blank line after its headers");
      }
      int dataStart = headersEnd + 4;
      int dataEnd = indexOf(body, next, dataStart);
      if (dataEnd < 0) {
        throw ApiError.invalid(null, "multipart body ends inside a part (no closing boundary)");
      }
      String headers =
          new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
      byte[] data = java.util.Arrays.copyOfRange(body, dataStart, dataEnd);
      parts.add(part(headers, data));
      pos = dataEnd + 2;
    }
  }

  private static Part part(String headers, byte[] data) {
    String name = null;
    String filename = null;
    String contentType = null;
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw ApiError.invalid(null, "malformed multipart header line '" + line + "'");
      }
      String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (header.equals("content-disposition")) {
        name = parameter(value, "name");
        filename = parameter(value, "filename");
      } else if (header.equals("content-type")) {
        contentType = value;
      }
    }
    if (name == null) {
      throw ApiError.invalid(null, "multipart part without a Content-Disposition name");
    }
    return new Part(name, filename, contentType, data);
  }

  /** A parameter of a Content-Disposition value, quoted or not; null when absent. */
  static String parameter(String disposition, String key) {
    int i = 0;
    while (i < disposition.length()) {
      int semi = disposition.indexOf(';', i);
      if (semi < 0) {
        return null;
      }
      int start = semi + 1;
      while (start < disposition.length() && disposition.charAt(start) == ' ') {
        start++;
      }
      int eq = disposition.indexOf('=', start);
      if (eq < 0) {
        return null;
      }
      String k = disposition.substring(start, eq).trim();
      String value;
      int end;
      if (eq + 1 < disposition.length() && disposition.charAt(eq + 1) == '"') {
        StringBuilder v = new StringBuilder();
        end = eq + 2;
        while (end < disposition.length() && disposition.charAt(end) != '"') {
          char c = disposition.charAt(end);
          if (c == '\\' && end + 1 < disposition.length()) {
            c = disposition.charAt(++end);
          }
          v.append(c);
          end++;
        }
        value = v.toString();
        end++;
      } else {
        end = disposition.indexOf(';', eq);
        if (end < 0) {
          end = disposition.length();
        }
        value = disposition.substring(eq + 1, end).trim();
      }
      if (k.equalsIgnoreCase(key)) {
        return value;
      }
      i = end;
    }
    return null;
  }

  private static boolean startsWith(byte[] body, int at, String s) {
    if (at + s.length() > body.length) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (body[at + i] != (byte) s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
