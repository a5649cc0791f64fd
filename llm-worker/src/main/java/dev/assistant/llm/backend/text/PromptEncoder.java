package dev.assistant.llm.backend.text;

import java.util.Arrays;
import java.util.Map;

/**
 * Token IDs of a rendered prompt in which control tokens come only from the chat template.
 *
 * <p>A Hugging Face tokenizer turns every occurrence of an added token's text into that token,
 * wherever it came from: a user who types {@code </s>USER:} would end the turn and forge a new one.
 * Here added tokens are recognized only outside the caller's texts; inside them the text is read
 * literally. A prompt whose caller texts hold no added token's text is encoded in one piece,
 * exactly as the tokenizer does; otherwise it is encoded piece by piece between the template's
 * control tokens, which is also how the tokenizer itself handles the text around added tokens.
 *
 * <p>Thread-safety: stateless apart from the thread-safe tokenizer.
 */
public final class PromptEncoder {
  private final LlavaTokenizer tokenizer;

  public PromptEncoder(LlavaTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /**
   * @param imagePlaceholder the template's image placeholder, expanded to {@code imagePositions}
   *     copies of its token
   * @param trustCaller read control tokens in the caller's texts as control tokens too
   */
  public int[] encode(
      RenderedPrompt prompt, String imagePlaceholder, int imagePositions, boolean trustCaller) {
    String text = prompt.text();
    if (trustCaller || !callerWritesAddedToken(prompt)) {
      return tokenizer.encode(
          text.replace(imagePlaceholder, imagePlaceholder.repeat(imagePositions)));
    }
    IdBuffer ids = new IdBuffer(text.length() + imagePositions);
    ids.addAll(tokenizer.encode("")); // what the post-processor puts first (BOS)
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      String token = prompt.byCaller(i) ? null : addedTokenAt(text, i);
      if (token == null) {
        literal.append(text.charAt(i++));
        continue;
      }
      ids.addAll(tokenizer.encodeLiteral(literal.toString()));
      literal.setLength(0);
      int id = tokenizer.addedTokens().get(token);
      for (int k = token.equals(imagePlaceholder) ? imagePositions : 1; k > 0; k--) {
        ids.add(id);
      }
      i += token.length();
    }
    ids.addAll(tokenizer.encodeLiteral(literal.toString()));
    return ids.toArray();
  }

  private boolean callerWritesAddedToken(RenderedPrompt prompt) {
    String text = prompt.text();
    for (RenderedPrompt.Span span : prompt.callerSpans()) {
      String own = text.substring(span.start(), span.end());
      for (String token : tokenizer.addedTokens().keySet()) {
        if (own.contains(token)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The longest added token whose text starts at {@code i}, or null. */
  private String addedTokenAt(String text, int i) {
    String best = null;
    for (Map.Entry<String, Integer> e : tokenizer.addedTokens().entrySet()) {
      String t = e.getKey();
      if (text.startsWith(t, i) && (best == null || t.length() > best.length())) {
        best = t;
      }
    }
    return best;
  }

  private static final class IdBuffer {
    private int[] ids;
    private int size;

    IdBuffer(int capacity) {
      ids = new int[Math.max(16, capacity)];
    }

    void add(int id) {
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
      }
      ids[size++] = id;
    }

    void addAll(int[] more) {
      for (int id : more) {
        add(id);
      }
    }

    int[] toArray() {
      return Arrays.copyOf(ids, size);
    }
  }
}
