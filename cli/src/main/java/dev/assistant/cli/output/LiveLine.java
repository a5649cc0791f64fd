package dev.assistant.cli.output;

import java.io.PrintStream;

/**
 * One line that is rewritten in place on a terminal (partial transcripts), so a long recognition
 * does not scroll the screen; when output is a pipe or a file each update is its own line.
 */
public final class LiveLine {
  private final PrintStream out;
  private final boolean terminal;
  private final int width;
  private boolean showing;

  public LiveLine(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
    this.width = columns();
  }

  /** True when stdout is an interactive terminal. */
  public static boolean isTerminal() {
    return System.console() != null;
  }

  public void show(String text) {
    if (!terminal) {
      out.println(text);
      return;
    }
    // Only the tail fits: a wrapped line could not be rewritten with a carriage return.
    String t = text.length() < width ? text : "…" + text.substring(text.length() - width + 2);
    out.print("\r\033[2K" + t);
    out.flush();
    showing = true;
  }

  public void finish(String text) {
    clear();
    out.println(text);
  }

  public void clear() {
    if (terminal && showing) {
      out.print("\r\033[2K");
      out.flush();
    }
    showing = false;
  }

  private static int columns() {
    try {
      int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100"));
      return Math.max(20, c);
    } catch (NumberFormatException e) {
      return 100;
    }
  }
}
