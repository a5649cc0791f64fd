package dev.assistant.llm.backend.text;

import java.util.Arrays;

/**
 * Turns generated token IDs into text deltas as they arrive. Each new token is decoded together
 * with the tokens before it and only the new suffix is emitted, so SentencePiece word-start spaces
 * ("▁world" after "Hello") survive, and a delta is held back while it ends in an incomplete UTF-8
 * sequence (byte-fallback tokens decode to U+FFFD until the character is complete).
 *
 * <p>Not thread-safe: one instance per sequence.
 */
public final class StreamingDetokenizer {
  private final LlavaTokenizer tokenizer;
  private int[] ids = new int[64];
  private int size;
  private int prefixOffset;
  private int readOffset;
  private int pendingTokens;

  public StreamingDetokenizer(LlavaTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** Adds a token; returns the text it completes (possibly empty). */
  public String push(int id) {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    String prefix = tokenizer.decode(ids, prefixOffset, readOffset);
    ids[size++] = id;
    pendingTokens++;
    String text = tokenizer.decode(ids, prefixOffset, size);
    if (text.length() > prefix.length() && !text.endsWith("\uFFFD")) {
      prefixOffset = readOffset;
      readOffset = size;
      return text.substring(prefix.length());
    }
    return "";
  }

  /** Tokens pushed since the last non-empty delta. */
  public int takePendingTokens() {
    int n = pendingTokens;
    pendingTokens = 0;
    return n;
  }

  /**
   * Text still held back at the end of generation, without a trailing incomplete character (which
   * can never be completed).
   */
  public String finish() {
    String prefix = tokenizer.decode(ids, prefixOffset, readOffset);
    String text = tokenizer.decode(ids, prefixOffset, size);
    readOffset = size;
    prefixOffset = size;
    String rest = text.length() > prefix.length() ? text.substring(prefix.length()) : "";
    int end = rest.length();
    while (end > 0 && rest.charAt(end - 1) == '\uFFFD') {
      end--;
    }
    return rest.substring(0, end);
  }
}
