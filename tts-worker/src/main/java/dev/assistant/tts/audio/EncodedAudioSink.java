package dev.assistant.tts.audio;

/**
 * Receives an encoded audio stream in parts, each as soon as the encoder has produced it, so the
 * first part can leave before the rest is encoded. Concatenating the parts gives the whole stream.
 */
@FunctionalInterface
public interface EncodedAudioSink {
  /**
   * @param bytes the next bytes of the stream, in order
   * @param end true on the final part (called exactly once per stream)
   */
  void accept(byte[] bytes, boolean end);
}
