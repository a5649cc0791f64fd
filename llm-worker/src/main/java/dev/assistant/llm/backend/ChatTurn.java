package dev.assistant.llm.backend;

/** One earlier turn of a conversation: role {@code user} or {@code assistant}, and its text. */
public record ChatTurn(String role, String text) {
  public ChatTurn {
    if (!role.equals("user") && !role.equals("assistant")) {
      throw new IllegalArgumentException("turn role must be user or assistant, got '" + role + "'");
    }
    if (text == null) {
      throw new IllegalArgumentException("turn text is null");
    }
  }
}
