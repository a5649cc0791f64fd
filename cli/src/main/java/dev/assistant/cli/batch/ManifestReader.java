package dev.assistant.cli.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assistant.cli.status.CliException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Streams a JSONL or CSV manifest one record at a time (constant memory). A record that cannot be
 * read becomes a failed entry with its line number and reason; only an unreadable file, or a CSV
 * header that names no known column, stops the batch.
 */
public final class ManifestReader implements ItemSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final BufferedReader reader;
  private final ItemParser parser;
  private final CsvRecords csv;
  private final List<String> header;
  private long lineNumber;

  private ManifestReader(Path file, boolean isCsv) throws IOException {
    this.name = file.getFileName().toString();
    this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    Path dir = file.toAbsolutePath().getParent();
    this.parser = new ItemParser(dir);
    if (isCsv) {
      csv = new CsvRecords(reader);
      header = csv.next();
      if (header == null) {
        throw CliException.badInput(name + ": empty CSV (a header line is required)");
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < header.size(); i++) {
        String h = header.get(i).strip();
        if (i == 0 && h.startsWith("\uFEFF")) {
          h = h.substring(1);
        }
        header.set(i, h);
        if (!seen.add(h)) {
          throw CliException.badInput(name + ": column '" + h + "' appears twice in the header");
        }
      }
      if (!seen.contains("audio") && !seen.contains("image") && !seen.contains("prompt")) {
        throw CliException.badInput(
            name
                + ": the CSV header has none of the input columns audio, image, prompt: "
                + header);
      }
    } else {
      csv = null;
      header = null;
    }
  }

  /** Opens a manifest; {@code .csv} is CSV, anything else JSON lines. */
  public static ManifestReader open(Path file) {
    boolean isCsv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    try {
      return new ManifestReader(file, isCsv);
    } catch (java.nio.file.NoSuchFileException e) {
      throw CliException.badInput("no such manifest: " + file);
    } catch (IOException e) {
      throw CliException.badInput("cannot read manifest " + file + ": " + e.getMessage());
    }
  }

  /** Records in a manifest, counted by streaming it (for progress and ETA only). */
  public static long count(Path file) {
    boolean isCsv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      long n = lines.filter(l -> !l.isBlank()).count();
      return isCsv ? Math.max(0, n - 1) : n;
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  @Override
  public ManifestEntry next() {
    try {
      return csv != null ? nextCsv() : nextJson();
    } catch (IOException e) {
      throw CliException.badInput(
          name + ": read failed near line " + lineNumber + ": " + e.getMessage());
    }
  }

  private ManifestEntry nextJson() throws IOException {
    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String source = name + ":" + lineNumber;
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        return ManifestEntry.bad(source, line, "not valid JSON: " + e.getOriginalMessage());
      }
      if (!(node instanceof ObjectNode o)) {
        return ManifestEntry.bad(source, line, "expected a JSON object per line");
      }
      return parser.parse(o, source, line);
    }
    return null;
  }

  private ManifestEntry nextCsv() throws IOException {
    List<String> row = csv.next();
    if (row == null) {
      return null;
    }
    lineNumber = csv.recordLine();
    String source = name + ":" + lineNumber;
    String raw = String.join(",", row);
    if (row.size() != header.size()) {
      return ManifestEntry.bad(
          source,
          raw,
          "expected " + header.size() + " columns as in the header, found " + row.size());
    }
    ObjectNode o = JSON.createObjectNode();
    for (int i = 0; i < row.size(); i++) {
      o.put(header.get(i), row.get(i));
    }
    return parser.parse(o, source, raw);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
