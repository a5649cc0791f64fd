package dev.assistant.stt.backend;

/** What to produce from speech. */
public enum SpeechTask {
  /** Text in the spoken language. */
  TRANSCRIBE,
  /** English text, whatever the spoken language (multilingual models only). */
  TRANSLATE
}
