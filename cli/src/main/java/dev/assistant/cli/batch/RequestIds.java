package dev.assistant.cli.batch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Stable request IDs: the same item gets the same ID in every run, which is what makes a rerun
 * resume (the gateway's Submit is idempotent on it). The manifest's own ID wins; otherwise the ID
 * is a hash of what the server would see (the bytes of the files, the prompt and the options), so
 * renaming or moving files changes nothing and changing an input makes a new request.
 */
public final class RequestIds {
  /** The API's request ID syntax. */
  public static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {}

  /** The manifest's ID behind an optional prefix, checked against the API's syntax. */
  public static String fromManifest(String prefix, String id) {
    String full = prefix + id;
    if (!VALID.matcher(full).matches()) {
      throw new IllegalArgumentException(
          "id: '" + full + "' is not a valid request ID (1-128 characters of A-Z a-z 0-9 . _ : -)");
    }
    return full;
  }

  /** The ID of an item from its content. */
  public static String fromContent(
      String prefix, byte[] audio, byte[] image, String prompt, ItemOptions options) {
    MessageDigest d = sha256();
    d.update("assistant-batch-v1\n".getBytes(StandardCharsets.US_ASCII));
    d.update(("audio:" + digest(audio) + "\n").getBytes(StandardCharsets.US_ASCII));
    d.update(("image:" + digest(image) + "\n").getBytes(StandardCharsets.US_ASCII));
    d.update(
        ("prompt:" + (prompt == null ? "null" : prompt.length() + ":" + prompt) + "\n")
            .getBytes(StandardCharsets.UTF_8));
    d.update(("options:" + options.canonical()).getBytes(StandardCharsets.UTF_8));
    return prefix + "item-" + HexFormat.of().formatHex(d.digest(), 0, 16);
  }

  /**
   * The ID of an item whose files could not be read: a hash of the manifest text that describes it,
   * so its error result is also written once and skipped on a rerun.
   */
  public static String fromRaw(String prefix, String raw) {
    MessageDigest d = sha256();
    d.update(("assistant-batch-unreadable-v1\n" + raw).getBytes(StandardCharsets.UTF_8));
    return prefix + "bad-" + HexFormat.of().formatHex(d.digest(), 0, 16);
  }

  private static String digest(byte[] data) {
    if (data == null) {
      return "none";
    }
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
