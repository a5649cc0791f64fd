package dev.assistant.tts;

import com.google.protobuf.ByteString;
import com.google.protobuf.Parser;
import com.google.protobuf.util.Timestamps;
import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Spectrogram;
import dev.assistant.common.worker.InvalidInputException;
import dev.assistant.common.worker.StageContext;
import dev.assistant.common.worker.StageHandler;
import dev.assistant.internal.v1.CatalogRecord;
import dev.assistant.internal.v1.CatalogVoice;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TtsRequestRecord;
import dev.assistant.tts.audio.AudioOutputEncoder;
import dev.assistant.tts.audio.MelSpectrogram;
import dev.assistant.tts.audio.OutputFormat;
import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.SynthesisRequest;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.VoiceInfo;
import dev.assistant.tts.backend.VoiceNotAvailableException;
import dev.assistant.tts.text.TextNormalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Speaks one sentence per {@code tts.requests} record and emits its audio on {@code audio.out}:
 * chunks of at most {@code chunkBytes}, the sentence text on the first chunk, then (when asked) a
 * mel-spectrogram picture. The last record of an answer ends with {@code last} set, even when its
 * text is empty, so the client knows the audio has ended.
 *
 * <p>Audio leaves as soon as it is encoded: PCM16 and WAV right after synthesis, Ogg Opus page by
 * page (the first page after one 20 ms frame), so a compressed format costs little time to first
 * audio.
 *
 * <p>Every sentence is independent: its outputs use sequence numbers from {@code sentence_index *
 * }{@link #SEQUENCE_STRIDE}, synthesis and encoding are deterministic, and each record completes on
 * its own. A worker that dies mid-answer therefore commits finished sentences, and the next owner
 * resumes at the first unfinished one, producing byte-identical chunks with the same sequence
 * numbers (which consumers drop if they have already seen them).
 *
 * <p>Thread-safe as far as the backend is: records of different requests may run concurrently.
 */
public final class TtsHandler implements StageHandler<TtsRequestRecord> {
  /** Sequence numbers reserved per sentence; a sentence never needs more outputs than this. */
  public static final long SEQUENCE_STRIDE = 10_000;

  private final TextToSpeech tts;
  private final TextNormalizer normalizer;
  private final AudioOutputEncoder encoder;
  private final int chunkBytes;
  private final TtsMetrics metrics = TtsMetrics.get();

  /**
   * @param chunkBytes largest audio payload per output, 1 KiB to 1 MiB
   */
  public TtsHandler(
      TextToSpeech tts, TextNormalizer normalizer, AudioOutputEncoder encoder, int chunkBytes) {
    if (chunkBytes < 1024 || chunkBytes > 1 << 20) {
      throw new IllegalArgumentException("chunk size " + chunkBytes + " outside [1 KiB, 1 MiB]");
    }
    this.tts = tts;
    this.normalizer = normalizer;
    this.encoder = encoder;
    this.chunkBytes = chunkBytes;
  }

  @Override
  public Parser<TtsRequestRecord> parser() {
    return TtsRequestRecord.parser();
  }

  @Override
  public Optional<Instant> deadline(TtsRequestRecord record) {
    if (!record.hasDeadline()) {
      return Optional.empty();
    }
    return Optional.of(Instant.ofEpochMilli(Timestamps.toMillis(record.getDeadline())));
  }

  @Override
  public CatalogRecord.Builder catalog() {
    CatalogRecord.Builder entry = CatalogRecord.newBuilder().setModel(tts.name());
    for (VoiceInfo v : tts.voices()) {
      entry.addVoices(
          CatalogVoice.newBuilder()
              .setName(v.name())
              .setLanguage(v.language())
              .setSpeakers(v.speakers()));
    }
    return entry;
  }

  @Override
  public long sequenceBase(TtsRequestRecord record) {
    return Math.max(0, record.getSentenceIndex()) * SEQUENCE_STRIDE;
  }

  @Override
  public boolean handle(TtsRequestRecord record, StageContext context)
      throws InvalidInputException, java.io.IOException {
    long start = System.nanoTime();
    if (record.getSentenceIndex() < 0) {
      throw new InvalidInputException("sentence_index " + record.getSentenceIndex() + " < 0");
    }
    if (context.isCancelled()) {
      return true;
    }
    RequestOptions options = record.getOptions();
    String language = spokenLanguage(record, options);
    OutputFormat format = outputFormat(options.getOutputFormat());
    String text = normalizer.normalize(record.getText(), language);
    if (text.isEmpty() && !record.getLast()) {
      return true; // nothing to say, and the answer goes on
    }
    SynthesisRequest request;
    try {
      float rate = options.getSpeakingRate() == 0 ? 1f : options.getSpeakingRate();
      request =
          new SynthesisRequest(text, options.getVoice(), language, options.getSpeaker(), rate);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("tts: " + e.getMessage(), e);
    }

    AudioClip clip;
    try {
      if (text.isEmpty()) {
        VoiceInfo voice = tts.resolveVoice(request);
        clip = new AudioClip(new float[0], voice.sampleRate());
      } else {
        clip = tts.synthesize(request);
      }
    } catch (VoiceNotAvailableException e) {
      throw new InvalidInputException("tts: " + e.getMessage(), e);
    }
    long synthesized = System.nanoTime();
    context.addProcessingTime(Duration.ofNanos(synthesized - start));
    try {
      clip = AudioOutputEncoder.resample(clip, options.getOutputSampleRate());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("tts: " + e.getMessage(), e);
    }
    long maxChunks = AudioOutputEncoder.maxChunks(clip, format, chunkBytes);
    if (maxChunks + (options.getSpectrogram() ? 1 : 0) >= SEQUENCE_STRIDE) {
      throw new InvalidInputException(
          "tts: sentence audio of " + clip.seconds() + " s may need " + maxChunks + " chunks");
    }
    int serial = (context.requestId() + "#" + record.getSentenceIndex()).hashCode();
    SentenceAudioEmitter emitter =
        new SentenceAudioEmitter(
            context,
            protoFormat(format),
            clip.sampleRate(),
            record.getSentenceIndex(),
            record.getText(),
            record.getLast(),
            options.getSpectrogram(),
            chunkBytes,
            () ->
                metrics
                    .timeToFirstAudio
                    .labelValues(tts.name())
                    .observe((System.nanoTime() - start) / 1e9));
    // Ogg Opus parts arrive page by page while the rest of the sentence is still being encoded.
    encoder.encode(clip, format, serial, emitter);
    if (options.getSpectrogram()) {
      context.emit(
          StageOutput.newBuilder()
              .setSpectrogram(
                  Spectrogram.newBuilder()
                      .setSentenceIndex(record.getSentenceIndex())
                      .setPng(ByteString.copyFrom(MelSpectrogram.png(clip))))
              .setLast(record.getLast()));
    }
    record(text, clip, synthesized - start);
    return true;
  }

  /**
   * The language to speak. An explicit {@code speech_language} is a demand (no voice for it is
   * invalid input), but a language the recognizer detected is only a preference: speech recognized
   * as a language this backend cannot speak is answered in the default voice rather than failing
   * the whole request after the answer was generated.
   */
  private String spokenLanguage(TtsRequestRecord record, RequestOptions options) {
    String explicit = options.getSpeechLanguage();
    String language = !record.getLanguage().isEmpty() ? record.getLanguage() : explicit;
    if (language.isEmpty() || language.equals(explicit)) {
      return language;
    }
    try {
      tts.resolveVoice(new SynthesisRequest("", options.getVoice(), language, 0, 1f));
      return language;
    } catch (VoiceNotAvailableException e) {
      return "";
    }
  }

  private void record(String text, AudioClip clip, long synthesisNanos) {
    String backend = tts.name();
    metrics.characters.labelValues(backend).inc(text.length());
    metrics.sentences.labelValues(backend).inc();
    metrics.audioSeconds.labelValues(backend).inc(clip.seconds());
    if (clip.seconds() > 0) {
      metrics.realtimeFactor.labelValues(backend).observe(synthesisNanos / 1e9 / clip.seconds());
    }
  }

  static OutputFormat outputFormat(OutputAudioFormat format) throws InvalidInputException {
    return switch (format) {
      case OUTPUT_AUDIO_FORMAT_UNSPECIFIED, OUTPUT_AUDIO_FORMAT_PCM16 -> OutputFormat.PCM16;
      case OUTPUT_AUDIO_FORMAT_WAV -> OutputFormat.WAV;
      case OUTPUT_AUDIO_FORMAT_OGG -> OutputFormat.OGG_OPUS;
      case UNRECOGNIZED -> throw new InvalidInputException("tts: unknown output format");
    };
  }

  static OutputAudioFormat protoFormat(OutputFormat format) {
    return switch (format) {
      case PCM16 -> OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16;
      case WAV -> OutputAudioFormat.OUTPUT_AUDIO_FORMAT_WAV;
      case OGG_OPUS -> OutputAudioFormat.OUTPUT_AUDIO_FORMAT_OGG;
    };
  }
}
