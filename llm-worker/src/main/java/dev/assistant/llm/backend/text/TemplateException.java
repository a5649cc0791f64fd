package dev.assistant.llm.backend.text;

/** A chat template cannot be parsed or rendered (or it raised an exception on purpose). */
public class TemplateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TemplateException(String message) {
    super(message);
  }
}
