package dev.assistant.tts.backend;

import java.io.IOException;
import java.util.List;

/**
 * A speech synthesizer: text of one sentence in, mono audio out. Implementations know nothing about
 * Kafka or gRPC; the worker's handler adapts them to the pipeline.
 *
 * <p>Thread-safety: every implementation may be called from several threads at once; each one
 * documents whether calls run in parallel or are serialized internally.
 */
public interface TextToSpeech extends AutoCloseable {

  /** Backend name as used in configuration ({@code tts.backend}). */
  String name();

  /** Voices this backend can speak with; the first one is the default. Never empty. */
  List<VoiceInfo> voices();

  /**
   * Synthesizes one sentence. Text is expected to be normalized already (numbers spelled out,
   * markup removed); an empty text gives an empty clip.
   *
   * @throws VoiceNotAvailableException when the requested voice, language or speaker does not exist
   *     in this backend: the request can never succeed
   * @throws IOException when the engine failed; a retry may succeed
   */
  AudioClip synthesize(SynthesisRequest request) throws VoiceNotAvailableException, IOException;

  /** The voice to use for a request: the named one, else the first voice of its language. */
  default VoiceInfo resolveVoice(SynthesisRequest request) throws VoiceNotAvailableException {
    List<VoiceInfo> voices = voices();
    if (!request.voice().isEmpty()) {
      for (VoiceInfo v : voices) {
        if (v.name().equalsIgnoreCase(request.voice())) {
          if (!request.language().isEmpty() && !v.speaks(request.language())) {
            throw new VoiceNotAvailableException(
                "voice '" + v.name() + "' speaks " + v.language() + ", not " + request.language());
          }
          return v;
        }
      }
      throw new VoiceNotAvailableException(
          name() + " has no voice '" + request.voice() + "'; available: " + names(voices));
    }
    if (request.language().isEmpty()) {
      return voices.get(0);
    }
    for (VoiceInfo v : voices) {
      if (v.speaks(request.language())) {
        return v;
      }
    }
    throw new VoiceNotAvailableException(
        name()
            + " has no voice for language '"
            + request.language()
            + "'; languages: "
            + voices.stream().map(VoiceInfo::language).distinct().sorted().toList());
  }

  private static List<String> names(List<VoiceInfo> voices) {
    return voices.stream().map(VoiceInfo::name).toList();
  }

  /** Releases native resources and child processes; idempotent. */
  @Override
  void close();
}
