package dev.assistant.stt;

import com.google.protobuf.ByteString;
import com.google.protobuf.Parser;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Segment;
import dev.assistant.api.v1.Transcript;
import dev.assistant.audio.AudioContainer;
import dev.assistant.audio.AudioDecoder;
import dev.assistant.audio.DecodedAudio;
import dev.assistant.audio.InvalidAudioException;
import dev.assistant.common.worker.InvalidInputException;
import dev.assistant.common.worker.StageContext;
import dev.assistant.common.worker.StageHandler;
import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.CatalogRecord;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.stt.backend.GgmlModelInfo;
import dev.assistant.stt.backend.SpeechRequestException;
import dev.assistant.stt.backend.SpeechTask;
import dev.assistant.stt.backend.SpeechToText;
import dev.assistant.stt.backend.TranscriptSegment;
import dev.assistant.stt.backend.Transcription;
import dev.assistant.stt.backend.TranscriptionException;
import dev.assistant.stt.backend.TranscriptionOptions;
import dev.assistant.stt.backend.WhisperHyperParameters;
import dev.assistant.stt.backend.WhisperLanguages;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speech-to-text stage: assembles a request's audio chunks in order, decodes them, runs the
 * recognizer and emits partial transcripts ({@code final=false}) as windows are decoded, then
 * exactly one final transcript with {@code last=true}.
 *
 * <p>Chunks must arrive as 0, 1, 2, ... with {@code last} on the final one, whose {@code
 * total_chunks} must match; a gap, a duplicate or a mismatch is invalid input (dead-lettered). A
 * retry of the final chunk after a failure reuses the assembled audio. Outputs depend only on the
 * input, so a replay after a crash reproduces the same sequence, which consumers de-duplicate.
 *
 * <p>Thread-safe: records of different requests may be handled concurrently; per-request state is
 * keyed by request ID.
 */
public final class SttHandler implements StageHandler<AudioChunkRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(SttHandler.class);

  private final SpeechToText recognizer;
  private final AudioDecoder decoder;
  private final SttDefaults defaults;
  private final long maxBytes;
  private final Map<String, ChunkAssembly> assemblies = new ConcurrentHashMap<>();

  public SttHandler(
      SpeechToText recognizer, AudioDecoder decoder, SttDefaults defaults, long maxAudioBytes) {
    this.recognizer = recognizer;
    this.decoder = decoder;
    this.defaults = defaults;
    this.maxBytes = maxAudioBytes;
  }

  @Override
  public Parser<AudioChunkRecord> parser() {
    return AudioChunkRecord.parser();
  }

  @Override
  public Optional<Instant> deadline(AudioChunkRecord record) {
    if (!record.hasDeadline()) {
      return Optional.empty();
    }
    return Optional.of(Instant.ofEpochMilli(Timestamps.toMillis(record.getDeadline())));
  }

  @Override
  public boolean handle(AudioChunkRecord record, StageContext context) throws Exception {
    String id = context.requestId();
    ChunkAssembly assembly = assemblies.get(id);
    if (assembly == null) {
      if (record.getSeq() != 0) {
        throw new InvalidInputException(
            "audio chunk " + record.getSeq() + " arrived before chunk 0 (chunks missing)");
      }
      assembly = new ChunkAssembly(record, maxBytes);
      assemblies.put(id, assembly);
    } else if (!assembly.isRetryOfLast(record)) {
      assembly.append(record);
    }
    if (!record.getLast()) {
      return false;
    }
    try {
      transcribe(assembly, context);
      return true;
    } catch (InvalidInputException e) {
      SttMetrics.get().requests.labelValues("invalid").inc();
      assemblies.remove(id);
      throw e;
    } finally {
      if (context.isCancelled()) {
        assemblies.remove(id);
      }
    }
  }

  @Override
  public CatalogRecord.Builder catalog() {
    GgmlModelInfo model = recognizer.model();
    String file = model.path().getFileName().toString();
    return CatalogRecord.newBuilder()
        .setModel(file.endsWith(".bin") ? file.substring(0, file.length() - 4) : file)
        .addAllLanguages(
            model.multilingual()
                ? WhisperLanguages.CODES.stream()
                    .filter(
                        l ->
                            !l.equals("yue")
                                || model.hyperParameters().nVocab()
                                    >= WhisperHyperParameters.VOCAB_V3)
                    .toList()
                : java.util.List.of("en"));
  }

  @Override
  public void discard(String requestId) {
    assemblies.remove(requestId);
  }

  private void transcribe(ChunkAssembly assembly, StageContext context)
      throws InvalidInputException, TranscriptionException, InterruptedException {
    AudioChunkRecord first = assembly.first();
    TranscriptionOptions options = options(first.getOptions());
    SttMetrics metrics = SttMetrics.get();
    metrics.queueSeconds.observe(context.queueTime().toNanos() / 1e9);
    long t0 = System.nanoTime();
    DecodedAudio audio = decode(assembly.bytes(), first);
    Transcription result;
    try {
      result =
          recognizer.transcribe(
              audio.samples(),
              options,
              partial -> context.emit(output(partial, false)),
              context::isCancelled);
    } catch (SpeechRequestException e) {
      throw new InvalidInputException("speech options: " + e.getMessage(), e);
    }
    long nanos = System.nanoTime() - t0;
    context.addProcessingTime(java.time.Duration.ofNanos(nanos));
    assemblies.remove(context.requestId());
    metrics.modelSeconds.observe(nanos / 1e9);
    if (!result.complete()) {
      metrics.requests.labelValues("cancelled").inc();
      return; // cancelled between windows: the loop reports it
    }
    metrics.audioSeconds.inc(audio.seconds());
    metrics.realtimeFactor.observe(nanos / 1e9 / audio.seconds());
    metrics.requests.labelValues("ok").inc();
    context.emit(output(result, true));
    LOG.info(
        "transcribed {} s of {} audio in {} ms ({} segments, language {})",
        String.format("%.2f", audio.seconds()),
        audio.container(),
        nanos / 1_000_000,
        result.segments().size(),
        result.language().isEmpty() ? "unknown" : result.language());
  }

  private DecodedAudio decode(byte[] data, AudioChunkRecord first) throws InvalidInputException {
    try {
      if (first.getEncoding() == AudioEncoding.AUDIO_ENCODING_PCM16) {
        return decoder.decodePcm16(data, first.getSampleRate(), first.getChannels());
      }
      return decoder.decode(data, container(first.getEncoding()));
    } catch (InvalidAudioException e) {
      throw new InvalidInputException("audio: " + e.getMessage(), e);
    }
  }

  private static AudioContainer container(AudioEncoding encoding) throws InvalidInputException {
    switch (encoding) {
      case AUDIO_ENCODING_UNSPECIFIED:
        return null; // recognized from the bytes
      case AUDIO_ENCODING_WAV:
        return AudioContainer.WAV;
      case AUDIO_ENCODING_FLAC:
        return AudioContainer.FLAC;
      case AUDIO_ENCODING_MP3:
        return AudioContainer.MP3;
      case AUDIO_ENCODING_OGG_VORBIS:
        return AudioContainer.OGG_VORBIS;
      default:
        throw new InvalidInputException("audio: unsupported encoding " + encoding);
    }
  }

  /** Request options over server defaults. */
  TranscriptionOptions options(RequestOptions o) throws InvalidInputException {
    try {
      Optional<String> language =
          o.getLanguage().isBlank() ? defaults.language() : Optional.of(o.getLanguage());
      SpeechTask task =
          o.getSpeechTask() == dev.assistant.api.v1.SpeechTask.SPEECH_TASK_TRANSLATE
              ? SpeechTask.TRANSLATE
              : SpeechTask.TRANSCRIBE;
      int beam = o.getBeamSize() > 0 ? o.getBeamSize() : defaults.beamSize();
      return new TranscriptionOptions(
          language, task, o.getInitialPrompt(), o.getSttTemperature(), beam);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("speech options: " + e.getMessage(), e);
    }
  }

  static StageOutput.Builder output(Transcription t, boolean isFinal) {
    Transcript.Builder transcript =
        Transcript.newBuilder()
            .setFinal(isFinal)
            .setText(t.text())
            .setLanguage(t.language())
            .setAudioSeconds(t.audioSeconds());
    for (TranscriptSegment s : t.segments()) {
      transcript.addSegments(
          Segment.newBuilder()
              .setStart(Durations.fromMillis(s.startMillis()))
              .setEnd(Durations.fromMillis(s.endMillis()))
              .setText(s.text().strip()));
    }
    return StageOutput.newBuilder().setTranscript(transcript).setLast(isFinal);
  }

  /**
   * The chunks of one request so far, checked for order and size. The chunks are kept as they came
   * and joined once, into an array of the exact size, when the audio is complete; the joined array
   * then replaces them (it also serves a retry of the last chunk). The decoder therefore works on
   * the only copy of the input: no growing buffer with slack, no second copy to trim it.
   */
  static final class ChunkAssembly {
    private final AudioChunkRecord first;
    private final long maxBytes;
    private List<ByteString> chunks = new ArrayList<>();
    private byte[] joined;
    private long size;
    private int nextSeq;
    private boolean complete;

    ChunkAssembly(AudioChunkRecord first, long maxBytes) throws InvalidInputException {
      this.first = first;
      this.maxBytes = maxBytes;
      append(first);
    }

    AudioChunkRecord first() {
      return first;
    }

    /** The final chunk delivered again because the first attempt to transcribe failed. */
    boolean isRetryOfLast(AudioChunkRecord record) {
      return complete && record.getLast() && record.getSeq() == nextSeq - 1;
    }

    void append(AudioChunkRecord record) throws InvalidInputException {
      if (complete) {
        throw new InvalidInputException("audio chunk " + record.getSeq() + " after the last chunk");
      }
      if (record.getSeq() != nextSeq) {
        throw new InvalidInputException(
            record.getSeq() < nextSeq
                ? "audio chunk " + record.getSeq() + " duplicated"
                : "audio chunks " + nextSeq + ".." + (record.getSeq() - 1) + " missing");
      }
      int n = record.getData().size();
      if (size + n > maxBytes || size + n > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException("audio: more than the limit of " + maxBytes + " bytes");
      }
      chunks.add(record.getData());
      size += n;
      nextSeq++;
      if (record.getLast()) {
        if (record.getTotalChunks() != 0 && record.getTotalChunks() != nextSeq) {
          throw new InvalidInputException(
              "audio: last chunk says " + record.getTotalChunks() + " chunks, received " + nextSeq);
        }
        complete = true;
      }
    }

    /** The whole input; joined on the first call, the same array afterwards. */
    byte[] bytes() {
      if (joined == null) {
        joined = new byte[(int) size];
        int at = 0;
        for (ByteString chunk : chunks) {
          chunk.copyTo(joined, at);
          at += chunk.size();
        }
        chunks = null;
      }
      return joined;
    }
  }
}
