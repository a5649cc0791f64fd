package dev.assistant.gateway.grpc;

import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Stage;
import dev.assistant.common.language.LanguageTags;
import dev.assistant.internal.v1.CatalogRecord;
import dev.assistant.internal.v1.CatalogVoice;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Refuses at the door what no worker could serve: a voice no speech worker has, a spoken-answer
 * language no voice speaks, a recognition language the loaded speech model lacks. Without this, the
 * TTS stage refused an unknown voice only after the LLM had streamed its whole answer.
 *
 * <p>The workers announce what they serve on the catalog topic. A stage with no announced instance
 * (none started yet, or an older worker) is not checked: the catalog errs towards accepting, and
 * the stage itself still refuses what it cannot do.
 */
public final class CatalogCheck {
  private final Function<Stage, List<CatalogRecord>> entries;

  public CatalogCheck(Function<Stage, List<CatalogRecord>> entries) {
    this.entries = entries;
  }

  /** Checks nothing (no catalog). */
  public static CatalogCheck none() {
    return new CatalogCheck(stage -> List.of());
  }

  /** The model names each stage's instances announced. */
  public List<String> models(Stage stage) {
    return entries.apply(stage).stream().map(CatalogRecord::getModel).distinct().sorted().toList();
  }

  public void options(RequestOptions o, boolean hasAudio) {
    if (hasAudio) {
      recognitionLanguage(o.getLanguage());
    }
    if (!o.getSkipSpeech() && !o.getSkipAnswer()) {
      voice(o);
    }
  }

  private void recognitionLanguage(String language) {
    List<CatalogRecord> stt = entries.apply(Stage.STAGE_STT);
    if (language.isEmpty() || language.equals("auto") || stt.isEmpty()) {
      return;
    }
    for (CatalogRecord e : stt) {
      if (e.getLanguagesCount() == 0 || e.getLanguagesList().contains(language)) {
        return;
      }
    }
    throw RequestValidator.invalid(
        "options.language: '"
            + language
            + "' is not a language the speech recognizer knows ("
            + stt.stream()
                .map(e -> e.getModel() + ": " + abbreviate(e.getLanguagesList()))
                .collect(Collectors.joining("; "))
            + ")");
  }

  private void voice(RequestOptions o) {
    List<CatalogVoice> voices =
        entries.apply(Stage.STAGE_TTS).stream().flatMap(e -> e.getVoicesList().stream()).toList();
    if (voices.isEmpty()) {
      return;
    }
    String language = o.getSpeechLanguage();
    if (!o.getVoice().isEmpty()) {
      List<CatalogVoice> named =
          voices.stream().filter(v -> v.getName().equalsIgnoreCase(o.getVoice())).toList();
      if (named.isEmpty()) {
        throw RequestValidator.invalid(
            "options.voice: no voice '" + o.getVoice() + "'; available: " + names(voices));
      }
      if (!language.isEmpty()
          && named.stream().noneMatch(v -> LanguageTags.matches(v.getLanguage(), language))) {
        throw RequestValidator.invalid(
            "options.speech_language: voice '"
                + named.get(0).getName()
                + "' speaks "
                + named.get(0).getLanguage()
                + ", not "
                + language);
      }
      int speakers = named.stream().mapToInt(v -> Math.max(1, v.getSpeakers())).max().orElse(1);
      if (o.getSpeaker() >= speakers) {
        throw RequestValidator.invalid(
            "options.speaker: "
                + o.getSpeaker()
                + " is outside [0, "
                + (speakers - 1)
                + "] for voice '"
                + named.get(0).getName()
                + "'");
      }
      return;
    }
    if (!language.isEmpty()
        && voices.stream().noneMatch(v -> LanguageTags.matches(v.getLanguage(), language))) {
      throw RequestValidator.invalid(
          "options.speech_language: no voice speaks '"
              + language
              + "'; languages: "
              + voices.stream().map(CatalogVoice::getLanguage).distinct().sorted().toList());
    }
  }

  private static String names(List<CatalogVoice> voices) {
    return voices.stream().map(CatalogVoice::getName).distinct().collect(Collectors.joining(", "));
  }

  private static String abbreviate(List<String> languages) {
    if (languages.size() <= 12) {
      return String.join(", ", languages);
    }
    return String.join(", ", languages.subList(0, 12))
        + " and "
        + (languages.size() - 12)
        + " more";
  }
}
