package dev.assistant.llm.backend.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Jinja template into text, output ({@code {{ }}}) and statement ({@code {% %}}) parts,
 * applying {@code -} whitespace control and the {@code trim_blocks}/{@code lstrip_blocks} settings
 * that transformers uses when rendering chat templates.
 */
final class JinjaLexer {
  enum Kind {
    TEXT,
    OUTPUT,
    STATEMENT
  }

  record Part(Kind kind, String content) {}

  private JinjaLexer() {}

  static List<Part> split(String src) {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    boolean trimNextLeading = false;
    boolean trimNextNewline = false;
    while (i < src.length()) {
      int open = findOpen(src, i);
      String text = open < 0 ? src.substring(i) : src.substring(i, open);
      if (trimNextLeading) {
        text = stripLeading(text);
      } else if (trimNextNewline && text.startsWith("\n")) {
        text = text.substring(1);
      }
      trimNextLeading = false;
      trimNextNewline = false;
      if (open < 0) {
        addText(parts, text);
        break;
      }
      char type = src.charAt(open + 1);
      String close = type == '{' ? "}}" : type == '%' ? "%}" : "#}";
      int end = src.indexOf(close, open + 2);
      if (end < 0) {
        throw new TemplateException("unclosed tag at offset " + open);
      }
      boolean trimBefore = open + 2 < src.length() && src.charAt(open + 2) == '-';
      boolean trimAfter = end > open + 2 && src.charAt(end - 1) == '-';
      if (trimBefore) {
        text = stripTrailing(text);
      } else if (type != '{') {
        text = lstripBlock(text);
      }
      addText(parts, text);
      String inner = src.substring(open + 2 + (trimBefore ? 1 : 0), end - (trimAfter ? 1 : 0));
      if (type == '{') {
        parts.add(new Part(Kind.OUTPUT, inner.trim()));
      } else if (type == '%') {
        parts.add(new Part(Kind.STATEMENT, inner.trim()));
      }
      trimNextLeading = trimAfter;
      trimNextNewline = !trimAfter && type != '{';
      i = end + 2;
    }
    return parts;
  }

  private static int findOpen(String s, int from) {
    int i = s.indexOf('{', from);
    while (i >= 0 && i + 1 < s.length()) {
      char c = s.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
      i = s.indexOf('{', i + 1);
    }
    return -1;
  }

  private static void addText(List<Part> parts, String text) {
    if (!text.isEmpty()) {
      parts.add(new Part(Kind.TEXT, text));
    }
  }

  private static String stripLeading(String s) {
    int k = 0;
    while (k < s.length() && Character.isWhitespace(s.charAt(k))) {
      k++;
    }
    return s.substring(k);
  }

  private static String stripTrailing(String s) {
    int k = s.length();
    while (k > 0 && Character.isWhitespace(s.charAt(k - 1))) {
      k--;
    }
    return s.substring(0, k);
  }

  /** lstrip_blocks: spaces and tabs between the line start and a block tag are dropped. */
  private static String lstripBlock(String s) {
    int k = s.length();
    while (k > 0 && (s.charAt(k - 1) == ' ' || s.charAt(k - 1) == '\t')) {
      k--;
    }
    if (k > 0 && s.charAt(k - 1) == '\n') {
      return s.substring(0, k);
    }
    return s;
  }
}
