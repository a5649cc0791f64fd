package dev.assistant.gateway.openai;

import java.util.List;

/**
 * The model IDs the API lists and accepts: one per stage. Requests name a model as OpenAI's API
 * requires; a name that is not the stage's model is refused with 404, so a client configured for
 * another server learns at once that it talks to a different one. A request without a model gets
 * the stage's model.
 *
 * @param stt the speech recognizer (transcriptions, translations)
 * @param llm the vision-language model (chat completions)
 * @param tts the speech synthesizer (speech)
 */
record ModelCatalog(String stt, String llm, String tts) {

  List<String> all() {
    return List.of(stt, llm, tts);
  }

  void requireStt(String model) {
    require(model, stt);
  }

  void requireLlm(String model) {
    require(model, llm);
  }

  void requireTts(String model) {
    require(model, tts);
  }

  private static void require(String requested, String served) {
    if (requested != null && !requested.isEmpty() && !requested.equals(served)) {
      throw ApiError.modelNotFound(requested);
    }
  }
}
