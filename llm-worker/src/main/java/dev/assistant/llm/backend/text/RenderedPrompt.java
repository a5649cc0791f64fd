package dev.assistant.llm.backend.text;

import java.util.List;

/**
 * A prompt after the chat template, with where the caller's own texts lie in it.
 *
 * @param text the rendered prompt
 * @param callerSpans the system prompt, history and user message as they appear in {@code text}, in
 *     order and not overlapping
 */
public record RenderedPrompt(String text, List<Span> callerSpans) {
  public RenderedPrompt {
    callerSpans = List.copyOf(callerSpans);
  }

  /** Characters {@code [start, end)} of the text. */
  public record Span(int start, int end) {}

  /** Whether character {@code i} was written by the caller rather than the template. */
  public boolean byCaller(int i) {
    for (Span s : callerSpans) {
      if (i >= s.start() && i < s.end()) {
        return true;
      }
    }
    return false;
  }

  /** The prompt without its first {@code n} characters, spans moved along. */
  public RenderedPrompt dropFirst(int n) {
    List<Span> moved =
        callerSpans.stream()
            .filter(s -> s.end() > n)
            .map(s -> new Span(Math.max(0, s.start() - n), s.end() - n))
            .toList();
    return new RenderedPrompt(text.substring(n), moved);
  }
}
