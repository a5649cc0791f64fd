package dev.assistant.cli;

import dev.assistant.api.v1.RequestOptions;
import dev.assistant.cli.status.CliException;
import dev.assistant.cli.status.ExitCodes;
import picocli.CommandLine.Option;

/** Request options shared by {@code ask} and {@code converse}. */
public final class OptionsMixin {
  @Option(names = "--voice", description = "Voice of the spoken answer (server default if unset).")
  String voice;

  @Option(
      names = "--language",
      description = "Spoken language, ISO 639-1 (\"en\"); unset: detected.")
  String language;

  @Option(
      names = "--speech-language",
      description = "Language of the spoken answer, ISO 639-1; unset: the answer's own.")
  String speechLanguage;

  @Option(names = "--max-tokens", description = "Longest answer in tokens (server default: 0).")
  int maxTokens;

  @Option(names = "--system-prompt", description = "Replaces the model's system prompt.")
  String systemPrompt;

  /**
   * Refuses {@code --language} on a request without speech before anything is sent: it tells the
   * recognizer what is spoken, and the gateway refuses it without audio. Said in the command line's
   * own terms, with the option the user probably meant.
   */
  public void requireSpeechFor(boolean hasAudio, String audioOption) {
    if (language != null && !hasAudio) {
      throw new CliException(
          ExitCodes.USAGE,
          "--language is the language spoken in "
              + audioOption
              + ", and this request has no speech; for the language of the spoken answer use"
              + " --speech-language");
    }
  }

  /** The options as the API carries them. */
  public RequestOptions.Builder toProto() {
    RequestOptions.Builder o = RequestOptions.newBuilder();
    if (voice != null) {
      o.setVoice(voice);
    }
    if (language != null) {
      o.setLanguage(language);
    }
    if (speechLanguage != null) {
      o.setSpeechLanguage(speechLanguage);
    }
    if (maxTokens < 0) {
      throw new CliException(ExitCodes.USAGE, "--max-tokens must be 0 or more");
    }
    o.setMaxTokens(maxTokens);
    if (systemPrompt != null) {
      o.setSystemPrompt(systemPrompt);
    }
    return o;
  }
}
