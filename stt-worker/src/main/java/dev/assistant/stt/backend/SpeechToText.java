package dev.assistant.stt.backend;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Speech recognition on 16 kHz mono audio. No transport types: the Kafka handler adapts it.
 *
 * <p>Implementations are thread-safe: one loaded model serves concurrent calls, each call using its
 * own decoding state; calls beyond the configured concurrency wait for a free state.
 */
public interface SpeechToText extends AutoCloseable {
  /** Sample rate of the input. */
  int SAMPLE_RATE = 16_000;

  /**
   * Transcribes audio, reporting partial results as they are decoded.
   *
   * @param samples mono samples in [-1, 1] at {@link #SAMPLE_RATE}
   * @param partials receives a partial transcript (segments so far) each time new segments are
   *     decoded; called on the calling thread
   * @param cancelled polled between decoding windows; when it turns true, decoding stops and the
   *     result is marked incomplete
   * @throws SpeechRequestException for input or options the model cannot handle
   * @throws TranscriptionException when the native recognizer reports an error
   */
  Transcription transcribe(
      float[] samples,
      TranscriptionOptions options,
      Consumer<Transcription> partials,
      BooleanSupplier cancelled)
      throws TranscriptionException, InterruptedException;

  /** The loaded model. */
  GgmlModelInfo model();

  /** Frees native memory; calls in progress must have finished. */
  @Override
  void close();
}
