package dev.assistant.tts;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AudioChunk;
import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.common.worker.StageContext;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.tts.audio.EncodedAudioSink;

/**
 * Turns the encoded stream of one sentence into {@code audio.out} outputs as the encoder produces
 * it: every part is cut into chunks of at most {@code chunkBytes}, numbered from 0; the first chunk
 * carries the sentence text, the final one {@code last_in_sentence} and, on the answer's last
 * sentence, {@code last}. Not thread-safe; one per sentence.
 */
final class SentenceAudioEmitter implements EncodedAudioSink {
  private final StageContext context;
  private final AudioChunk prototype;
  private final String text;
  private final boolean lastSentence;
  private final boolean finalOutputFollows;
  private final int chunkBytes;
  private final Runnable onFirstChunk;
  private int chunkIndex;

  /**
   * @param finalOutputFollows true when another output (the spectrogram) follows the audio, so the
   *     audio's last chunk must not end the stage's output stream
   * @param onFirstChunk called right after the first chunk is emitted (time-to-first-audio)
   */
  SentenceAudioEmitter(
      StageContext context,
      OutputAudioFormat format,
      int sampleRate,
      int sentenceIndex,
      String text,
      boolean lastSentence,
      boolean finalOutputFollows,
      int chunkBytes,
      Runnable onFirstChunk) {
    this.context = context;
    this.prototype =
        AudioChunk.newBuilder()
            .setFormat(format)
            .setSampleRate(sampleRate)
            .setSentenceIndex(sentenceIndex)
            .build();
    this.text = text;
    this.lastSentence = lastSentence;
    this.finalOutputFollows = finalOutputFollows;
    this.chunkBytes = chunkBytes;
    this.onFirstChunk = onFirstChunk;
  }

  @Override
  public void accept(byte[] bytes, boolean end) {
    if (bytes.length == 0 && !end) {
      return;
    }
    // An empty final part still yields one (empty) chunk, so the sentence visibly ends.
    int pieces = Math.max(1, (bytes.length + chunkBytes - 1) / chunkBytes);
    for (int i = 0; i < pieces; i++) {
      int from = i * chunkBytes;
      boolean lastChunk = end && i == pieces - 1;
      AudioChunk.Builder chunk =
          prototype.toBuilder()
              .setChunkIndex(chunkIndex)
              .setLastInSentence(lastChunk)
              .setLast(lastSentence && lastChunk)
              .setData(ByteString.copyFrom(bytes, from, Math.min(chunkBytes, bytes.length - from)));
      if (chunkIndex == 0) {
        chunk.setText(text);
      }
      boolean finalOutput = lastSentence && lastChunk && !finalOutputFollows;
      context.emit(StageOutput.newBuilder().setAudio(chunk).setLast(finalOutput));
      if (chunkIndex == 0) {
        onFirstChunk.run();
      }
      chunkIndex++;
    }
  }
}
