package dev.assistant.cli.batch;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records from a character stream, one at a time: quoted fields may hold commas, doubled
 * quotes and line breaks. Streaming keeps memory flat however long the file is.
 */
final class CsvRecords {
  private final Reader in;
  private long line = 1;
  private long recordLine;
  private boolean eof;

  CsvRecords(Reader in) {
    this.in = in;
  }

  /** Line number where the last record returned started. */
  long recordLine() {
    return recordLine;
  }

  /** The next record, or null at the end; blank lines are skipped. */
  List<String> next() throws IOException {
    while (!eof) {
      recordLine = line;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean wasQuoted = false;
      boolean any = false;
      while (true) {
        int c = in.read();
        if (c < 0) {
          eof = true;
          if (quoted) {
            throw new IOException("line " + recordLine + ": a quoted field never ends");
          }
          break;
        }
        any = true;
        if (quoted) {
          if (c == '"') {
            in.mark(1);
            int d = in.read();
            if (d == '"') {
              field.append('"');
            } else {
              quoted = false;
              if (d >= 0) {
                in.reset();
              }
            }
          } else {
            if (c == '\n') {
              line++;
            }
            field.append((char) c);
          }
        } else if (c == '"' && field.length() == 0 && !wasQuoted) {
          quoted = true;
          wasQuoted = true;
        } else if (c == ',') {
          fields.add(field.toString());
          field.setLength(0);
          wasQuoted = false;
        } else if (c == '\n') {
          line++;
          break;
        } else if (c != '\r') {
          field.append((char) c);
        }
      }
      fields.add(field.toString());
      if (!any || (fields.size() == 1 && fields.get(0).isBlank() && !wasQuoted)) {
        continue; // blank line
      }
      return fields;
    }
    return null;
  }
}
