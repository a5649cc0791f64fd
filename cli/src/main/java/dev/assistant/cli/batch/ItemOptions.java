package dev.assistant.cli.batch;

import dev.assistant.api.v1.RequestOptions;
import java.util.Locale;

/**
 * Per-item request options a manifest may set; null means "use the batch default". Only options a
 * batch plausibly varies per item are here; the rest keep the server's defaults.
 */
public record ItemOptions(
    String language,
    String voice,
    Integer maxTokens,
    String systemPrompt,
    Boolean skipSpeech,
    String speechLanguage,
    Float temperature) {

  public static final ItemOptions NONE = new ItemOptions(null, null, null, null, null, null, null);

  /** The field names a manifest uses (JSONL keys, CSV columns). */
  public static final java.util.List<String> FIELDS =
      java.util.List.of(
          "language",
          "voice",
          "max_tokens",
          "system_prompt",
          "skip_speech",
          "speech_language",
          "temperature");

  /** This item's options over the batch defaults. */
  public ItemOptions over(ItemOptions defaults) {
    return new ItemOptions(
        language != null ? language : defaults.language,
        voice != null ? voice : defaults.voice,
        maxTokens != null ? maxTokens : defaults.maxTokens,
        systemPrompt != null ? systemPrompt : defaults.systemPrompt,
        skipSpeech != null ? skipSpeech : defaults.skipSpeech,
        speechLanguage != null ? speechLanguage : defaults.speechLanguage,
        temperature != null ? temperature : defaults.temperature);
  }

  /**
   * These options for an item without speech: the recognition language means nothing there (the
   * gateway refuses it), so a batch-wide {@code --language} default must not reach such items.
   */
  public ItemOptions withoutLanguage() {
    return language == null
        ? this
        : new ItemOptions(
            null, voice, maxTokens, systemPrompt, skipSpeech, speechLanguage, temperature);
  }

  public RequestOptions toProto() {
    RequestOptions.Builder o = RequestOptions.newBuilder();
    if (language != null) {
      o.setLanguage(language);
    }
    if (voice != null) {
      o.setVoice(voice);
    }
    if (maxTokens != null) {
      o.setMaxTokens(maxTokens);
    }
    if (systemPrompt != null) {
      o.setSystemPrompt(systemPrompt);
    }
    if (skipSpeech != null) {
      o.setSkipSpeech(skipSpeech);
    }
    if (speechLanguage != null) {
      o.setSpeechLanguage(speechLanguage);
    }
    if (temperature != null) {
      o.setTemperature(temperature);
    }
    return o.build();
  }

  /** A fixed textual form: part of the content hash, so it must never depend on field order. */
  public String canonical() {
    return String.format(
        Locale.ROOT,
        "language=%s;voice=%s;max_tokens=%s;system_prompt=%s;skip_speech=%s;speech_language=%s;"
            + "temperature=%s",
        quote(language),
        quote(voice),
        maxTokens,
        quote(systemPrompt),
        skipSpeech,
        quote(speechLanguage),
        temperature);
  }

  private static String quote(String s) {
    return s == null ? "null" : s.length() + ":" + s;
  }
}
