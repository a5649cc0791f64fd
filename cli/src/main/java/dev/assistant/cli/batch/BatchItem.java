package dev.assistant.cli.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * One unit of batch work as the manifest (or folder) describes it, before any file is read.
 *
 * @param source where it came from, for messages ("manifest.csv:17", "clips/a.wav")
 * @param raw the text the item was read from; identifies an item whose files cannot be read
 * @param id the manifest's own ID, or null to derive one from the content
 * @param meta any further manifest fields, copied to the result for {@code eval --by}
 */
public record BatchItem(
    String source,
    String raw,
    String id,
    Path audio,
    Path image,
    String prompt,
    ItemOptions options,
    String referenceTranscript,
    String referenceAnswer,
    ObjectNode meta) {}
