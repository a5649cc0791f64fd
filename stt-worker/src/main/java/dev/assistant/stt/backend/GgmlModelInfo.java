package dev.assistant.stt.backend;

import java.nio.file.Path;

/**
 * What validation learned about a model file.
 *
 * @param vocabularyTokens tokens stored in the file (special tokens are implied by n_vocab)
 */
public record GgmlModelInfo(
    Path path,
    WhisperHyperParameters hyperParameters,
    GgmlType weightType,
    int vocabularyTokens,
    int tensors,
    long fileBytes) {

  public boolean multilingual() {
    return hyperParameters.multilingual();
  }

  /** E.g. "base.en F16". */
  public String describe() {
    return hyperParameters.sizeName() + (multilingual() ? "" : ".en") + " " + weightType;
  }
}
