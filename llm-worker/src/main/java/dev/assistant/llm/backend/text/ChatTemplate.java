package dev.assistant.llm.backend.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.assistant.llm.backend.ChatTurn;
import dev.assistant.llm.backend.config.ModelConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Builds the prompt text from a conversation with the checkpoint's chat template ({@code
 * chat_template} in {@code tokenizer_config.json}, {@code chat_template.json} or {@code
 * chat_template.jinja}), or LLaVA-1.5's conversation format when there is none: {@code [system
 * ]USER: <image>\n… ASSISTANT:}.
 *
 * <p>Templates written for multimodal processors iterate over content parts ({@code {"type":
 * "image"}}, {@code {"type": "text"}}); older ones expect a string. The form is chosen by whether
 * the template inspects a content part's {@code type}; with a string, the image placeholder is
 * prepended to the user's text as LLaVA-1.5 does.
 *
 * <p>Thread-safety: immutable.
 */
public final class ChatTemplate {
  /** The image placeholder of LLaVA checkpoints. */
  public static final String IMAGE = "<image>";

  static final String LLAVA_15 =
      "{% for message in messages %}"
          + "{% if message['role'] == 'system' %}{{ message['content'] }} "
          + "{% elif message['role'] == 'user' %}USER: {{ message['content'] }} "
          + "{% elif message['role'] == 'assistant' %}ASSISTANT: {{ message['content'] }}{{ eos_token }}"
          + "{% endif %}{% endfor %}"
          + "{% if add_generation_prompt %}ASSISTANT:{% endif %}";

  private final JinjaTemplate template;
  private final boolean contentParts;
  private final Map<String, Object> specialTokens;
  private final boolean isDefault;

  private ChatTemplate(String source, Map<String, Object> specialTokens, boolean isDefault) {
    this.template = JinjaTemplate.compile(source);
    this.contentParts =
        source.contains("['type']") || source.contains(".type") || source.contains("'type'");
    this.specialTokens = Map.copyOf(specialTokens);
    this.isDefault = isDefault;
  }

  public static ChatTemplate load(Path modelDir) {
    JsonObject config = LlavaTokenizer.readConfig(modelDir.resolve("tokenizer_config.json"));
    Map<String, Object> tokens = new HashMap<>();
    tokens.put("bos_token", LlavaTokenizer.tokenString(config, "bos_token", "<s>"));
    tokens.put("eos_token", LlavaTokenizer.tokenString(config, "eos_token", "</s>"));
    String source = templateSource(config);
    if (source == null) {
      source = fromSideFile(modelDir);
    }
    try {
      return source == null
          ? new ChatTemplate(LLAVA_15, tokens, true)
          : new ChatTemplate(source, tokens, false);
    } catch (TemplateException e) {
      throw new ModelConfigException("chat template of " + modelDir + ": " + e.getMessage(), e);
    }
  }

  /** LLaVA-1.5's format, for checkpoints without a template. */
  public static ChatTemplate llava15(String eosToken) {
    return new ChatTemplate(LLAVA_15, Map.of("bos_token", "<s>", "eos_token", eosToken), true);
  }

  /** A template from source, for callers that carry their own. */
  public static ChatTemplate of(String source, String bosToken, String eosToken) {
    return new ChatTemplate(source, Map.of("bos_token", bosToken, "eos_token", eosToken), false);
  }

  private static String templateSource(JsonObject config) {
    JsonElement t = config.get("chat_template");
    if (t == null || t.isJsonNull()) {
      return null;
    }
    if (t.isJsonArray()) {
      for (JsonElement e : t.getAsJsonArray()) {
        JsonObject named = e.getAsJsonObject();
        if (named.get("name").getAsString().equals("default")) {
          return named.get("template").getAsString();
        }
      }
      return null;
    }
    return t.getAsString();
  }

  private static String fromSideFile(Path modelDir) {
    try {
      Path jinja = modelDir.resolve("chat_template.jinja");
      if (Files.isRegularFile(jinja)) {
        return Files.readString(jinja);
      }
      Path json = modelDir.resolve("chat_template.json");
      if (Files.isRegularFile(json)) {
        return templateSource(LlavaTokenizer.readConfig(json));
      }
    } catch (IOException e) {
      throw new ModelConfigException("cannot read chat template of " + modelDir, e);
    }
    return null;
  }

  public boolean isDefault() {
    return isDefault;
  }

  /**
   * The prompt for a conversation ending with the user's turn, followed by the generation prompt.
   *
   * @param systemPrompt empty for the template's own default
   * @param history earlier turns, oldest first
   * @param userText the new user message
   * @param withImage whether the new user message carries the image
   */
  public String render(
      String systemPrompt, List<ChatTurn> history, String userText, boolean withImage) {
    return renderWith(systemPrompt, history, userText, withImage, t -> t);
  }

  /**
   * Renders like {@link #render} and says where the caller's texts (system prompt, history, user
   * message) landed in the result, so that they can be tokenized as plain text. Each text is
   * wrapped in private-use marker characters for a second rendering; the markers' positions are the
   * spans. Empty when the template changes the texts (trims or re-cases them) so that the marked
   * rendering does not reproduce the plain one.
   */
  public Optional<RenderedPrompt> renderLocated(
      String systemPrompt, List<ChatTurn> history, String userText, boolean withImage) {
    String plain = render(systemPrompt, history, userText, withImage);
    String marked =
        renderWith(
            systemPrompt, history, userText, withImage, t -> OPEN + withoutMarkers(t) + CLOSE);
    StringBuilder text = new StringBuilder(plain.length());
    List<RenderedPrompt.Span> spans = new ArrayList<>();
    int open = -1;
    for (int i = 0; i < marked.length(); i++) {
      char c = marked.charAt(i);
      if (c == OPEN) {
        if (open >= 0) {
          return Optional.empty();
        }
        open = text.length();
      } else if (c == CLOSE) {
        if (open < 0) {
          return Optional.empty();
        }
        spans.add(new RenderedPrompt.Span(open, text.length()));
        open = -1;
      } else {
        text.append(c);
      }
    }
    if (open >= 0 || !text.toString().equals(plain)) {
      return Optional.empty();
    }
    return Optional.of(new RenderedPrompt(plain, spans));
  }

  private static final char OPEN = '\uE000';
  private static final char CLOSE = '\uE001';

  private static String withoutMarkers(String text) {
    return text.replace(String.valueOf(OPEN), "").replace(String.valueOf(CLOSE), "");
  }

  private String renderWith(
      String systemPrompt,
      List<ChatTurn> history,
      String userText,
      boolean withImage,
      UnaryOperator<String> wrap) {
    List<Object> messages = new ArrayList<>();
    if (!systemPrompt.isEmpty()) {
      messages.add(message("system", wrap.apply(systemPrompt), false));
    }
    for (ChatTurn turn : history) {
      messages.add(message(turn.role(), wrap.apply(turn.text()), false));
    }
    messages.add(message("user", wrap.apply(userText), withImage));
    Map<String, Object> vars = new HashMap<>(specialTokens);
    vars.put("messages", messages);
    vars.put("add_generation_prompt", Boolean.TRUE);
    return template.render(vars);
  }

  private Map<String, Object> message(String role, String text, boolean withImage) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", role);
    if (contentParts) {
      List<Object> parts = new ArrayList<>();
      if (withImage) {
        parts.add(Map.of("type", "image"));
      }
      parts.add(Map.of("type", "text", "text", text));
      m.put("content", parts);
    } else {
      m.put("content", withImage ? IMAGE + "\n" + text : text);
    }
    return m;
  }
}
