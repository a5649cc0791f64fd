package dev.assistant.cli.batch;

import dev.assistant.api.v1.AskRequest;

/**
 * An item ready to send (its request built, its ID known), or one that failed before reaching the
 * server (its ID known and the reason why).
 */
record PreparedItem(
    String id, BatchItem item, ManifestEntry entry, AskRequest request, String error) {
  boolean isOk() {
    return error == null;
  }
}
