package dev.assistant.cli.batch;

import java.io.Closeable;

/** Batch input read one entry at a time. */
public interface ItemSource extends Closeable {
  /** The next entry, or null at the end. */
  ManifestEntry next();
}
