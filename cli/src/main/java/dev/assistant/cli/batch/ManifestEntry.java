package dev.assistant.cli.batch;

/**
 * One record of the input: an item, or the reason it could not be read (which becomes that line's
 * error result rather than stopping the batch).
 */
public record ManifestEntry(String source, String raw, BatchItem item, String error) {
  public static ManifestEntry ok(BatchItem item) {
    return new ManifestEntry(item.source(), item.raw(), item, null);
  }

  public static ManifestEntry bad(String source, String raw, String error) {
    return new ManifestEntry(source, raw, null, error);
  }

  public boolean isOk() {
    return item != null;
  }
}
