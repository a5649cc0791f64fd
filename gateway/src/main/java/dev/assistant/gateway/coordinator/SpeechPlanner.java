package dev.assistant.gateway.coordinator;

import dev.assistant.internal.v1.CoordinatorState;
import dev.assistant.internal.v1.RequestRecord;
import dev.assistant.internal.v1.TtsRequestRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * What to speak, and when: complete sentences of the streamed answer go to speech synthesis as soon
 * as they exist, each with its index, the request's voice options and the language to speak; the
 * unfinished rest waits in the state for the next text. Pure: it reads and updates the request's
 * state and returns the records to send.
 */
final class SpeechPlanner {
  private SpeechPlanner() {}

  /** Whether the request asked for no speech at all. */
  static boolean skipped(CoordinatorState.Builder state) {
    return state.getRequest().getOptions().getSkipSpeech();
  }

  /**
   * The synthesis records for the sentences {@code text} completes.
   *
   * @param text the text not yet spoken (what waited plus what just arrived)
   * @param finished no more text will come: the rest is the last sentence, and an empty last record
   *     still ends the audio stream
   */
  static List<TtsRequestRecord> sentences(
      CoordinatorState.Builder state, String text, boolean finished) {
    if (skipped(state)) {
      return List.of();
    }
    SentenceSplitter.Split split = SentenceSplitter.split(text, finished);
    List<String> sentences = new ArrayList<>(split.sentences());
    state.setPendingText(split.remainder());
    if (finished && sentences.isEmpty()) {
      sentences.add("");
    }
    RequestRecord r = state.getRequest();
    String language = language(state);
    List<TtsRequestRecord> records = new ArrayList<>(sentences.size());
    for (int i = 0; i < sentences.size(); i++) {
      TtsRequestRecord.Builder tts =
          TtsRequestRecord.newBuilder()
              .setRequestId(r.getRequestId())
              .setSentenceIndex(state.getNextSentence())
              .setText(sentences.get(i))
              .setLast(finished && i == sentences.size() - 1)
              .setOptions(r.getOptions())
              .setLanguage(language);
      if (r.hasDeadline()) {
        tts.setDeadline(r.getDeadline());
      }
      records.add(tts.build());
      state.setNextSentence(state.getNextSentence() + 1).setSentences(state.getNextSentence());
    }
    return records;
  }

  /** The spoken answer's language: asked for, else recognized, else the recognizer's hint. */
  private static String language(CoordinatorState.Builder state) {
    RequestRecord r = state.getRequest();
    if (!r.getOptions().getSpeechLanguage().isEmpty()) {
      return r.getOptions().getSpeechLanguage();
    }
    if (!state.getTranscript().getLanguage().isEmpty()) {
      return state.getTranscript().getLanguage();
    }
    return r.getOptions().getLanguage();
  }
}
