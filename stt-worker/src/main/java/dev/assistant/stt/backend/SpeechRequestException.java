package dev.assistant.stt.backend;

/**
 * The request asks for something the loaded recognizer cannot do (a language the model lacks,
 * translation with an English-only model, no audio). Its own type, so that only this becomes the
 * client's invalid argument: any other exception out of a recognizer is the server's fault.
 */
public final class SpeechRequestException extends RuntimeException {
  public SpeechRequestException(String message) {
    super(message);
  }
}
