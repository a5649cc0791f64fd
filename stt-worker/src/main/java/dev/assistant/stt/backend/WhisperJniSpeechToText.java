package dev.assistant.stt.backend;

import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperContextParams;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import io.github.givimad.whisperjni.WhisperState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whisper through whisper.cpp ({@code io.github.givimad:whisper-jni}).
 *
 * <p>The model file is validated in Java ({@link GgmlModelValidator}) before native code sees it,
 * then loaded once without a state; {@code concurrency} native states are created up front and lent
 * to calls, so concurrent transcriptions share the weights and never share a state.
 *
 * <p>Audio is decoded in windows of at most {@code windowSeconds} (30 s, Whisper's own window, by
 * default). After each window the segments so far are reported as a partial transcript. When a
 * window ends inside speech, its last segment is dropped and the next window starts where that
 * segment started, as whisper.cpp does when it seeks; the text decoded so far conditions the next
 * window through the prompt. Every call starts from a clean context ({@code no_context}), so a
 * state carries nothing from one request to the next and the same input always gives the same
 * output (with the default temperature 0 and no temperature fallback).
 *
 * <p>Thread-safe.
 */
public final class WhisperJniSpeechToText implements SpeechToText {
  private static final Logger LOG = LoggerFactory.getLogger(WhisperJniSpeechToText.class);
  private static final Pattern DETECTED = Pattern.compile("auto-detected language: ([a-z]+)");

  /** whisper.cpp ignores input shorter than one second; shorter windows are padded. */
  private static final int MIN_WINDOW_SAMPLES = SAMPLE_RATE + SAMPLE_RATE / 10;

  /** Characters of previous text passed on as context to the next window. */
  private static final int CONTEXT_CHARS = 400;

  private final WhisperOptions options;
  private final GgmlModelInfo model;
  private final WhisperJNI jni;
  private final WhisperContext context;
  private final List<WhisperState> states;
  private final BlockingQueue<WhisperState> free;
  private volatile boolean closed;

  private WhisperJniSpeechToText(
      WhisperOptions options,
      GgmlModelInfo model,
      WhisperJNI jni,
      WhisperContext context,
      List<WhisperState> states) {
    this.options = options;
    this.model = model;
    this.jni = jni;
    this.context = context;
    this.states = states;
    this.free = new ArrayBlockingQueue<>(states.size(), false, states);
  }

  /**
   * Validates and loads the model.
   *
   * @throws InvalidModelException when the file is not a loadable Whisper model
   */
  public static WhisperJniSpeechToText open(WhisperOptions options) throws IOException {
    GgmlModelInfo model = GgmlModelValidator.validate(options.modelPath());
    NativeWhisper.load();
    WhisperJNI jni = new WhisperJNI();
    WhisperContextParams params = new WhisperContextParams();
    params.useGPU = false;
    NativeWhisper.LOCK.writeLock().lock();
    try {
      WhisperContext context = jni.initNoState(options.modelPath(), params);
      if (context == null) {
        throw new InvalidModelException("whisper.cpp could not load " + options.modelPath());
      }
      List<WhisperState> states = new ArrayList<>();
      for (int i = 0; i < options.concurrency(); i++) {
        WhisperState state = jni.initState(context);
        if (state == null) {
          states.forEach(jni::free);
          jni.free(context);
          throw new IOException("whisper.cpp could not allocate a decoding state");
        }
        states.add(state);
      }
      LOG.info(
          "loaded Whisper {} from {} ({} states, {} threads each)",
          model.describe(),
          options.modelPath(),
          options.concurrency(),
          options.threads());
      return new WhisperJniSpeechToText(options, model, jni, context, states);
    } finally {
      NativeWhisper.LOCK.writeLock().unlock();
    }
  }

  /**
   * Runs one transcription of generated audio on every decoding state. whisper.cpp allocates a
   * state's compute buffers on its first use and the JIT has not seen the Java side yet: without
   * this the first requests of a fresh worker took five times as long as later ones. It also proves
   * the model decodes at all before the worker reports healthy.
   *
   * @return how long it took
   * @throws TranscriptionException when the model cannot decode (the worker must not start)
   */
  public java.time.Duration warmUp() throws TranscriptionException, InterruptedException {
    long t0 = System.nanoTime();
    float[] audio = WarmUpAudio.samples(2.0, SAMPLE_RATE);
    TranscriptionOptions request = TranscriptionOptions.DEFAULT.withLanguage("en");
    List<WhisperState> all = new ArrayList<>();
    for (int i = 0; i < states.size(); i++) {
      all.add(free.take()); // every state, so none is left cold
    }
    NativeWhisper.LOCK.readLock().lock();
    try {
      for (WhisperState state : all) {
        Transcription t =
            decodeWindows(state, audio, request, request.language(), p -> {}, () -> false);
        if (!t.complete()) {
          throw new TranscriptionException("warm-up transcription did not complete");
        }
      }
    } finally {
      NativeWhisper.LOCK.readLock().unlock();
      free.addAll(all);
    }
    java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - t0);
    LOG.info("warmed up {} decoding states in {} ms", all.size(), took.toMillis());
    return took;
  }

  @Override
  public GgmlModelInfo model() {
    return model;
  }

  @Override
  public Transcription transcribe(
      float[] samples,
      TranscriptionOptions request,
      Consumer<Transcription> partials,
      BooleanSupplier cancelled)
      throws TranscriptionException, InterruptedException {
    if (samples == null || samples.length == 0) {
      throw new SpeechRequestException("no audio samples");
    }
    Optional<String> language = effectiveLanguage(request);
    WhisperState state = free.take();
    NativeWhisper.LOCK.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("recognizer is closed");
      }
      return decodeWindows(state, samples, request, language, partials, cancelled);
    } finally {
      NativeWhisper.LOCK.readLock().unlock();
      free.add(state);
    }
  }

  private Optional<String> effectiveLanguage(TranscriptionOptions request) {
    if (model.multilingual()) {
      if (request.language().filter(l -> l.equals("yue")).isPresent()
          && model.hyperParameters().nVocab() < WhisperHyperParameters.VOCAB_V3) {
        throw new SpeechRequestException("language 'yue' needs a large-v3 model");
      }
      return request.language();
    }
    if (request.language().filter(l -> !l.equals("en")).isPresent()) {
      throw new SpeechRequestException(
          "the English-only model cannot transcribe '" + request.language().get() + "'");
    }
    if (request.task() == SpeechTask.TRANSLATE) {
      throw new SpeechRequestException("the English-only model cannot translate");
    }
    return Optional.of("en");
  }

  private Transcription decodeWindows(
      WhisperState state,
      float[] samples,
      TranscriptionOptions request,
      Optional<String> requestedLanguage,
      Consumer<Transcription> partials,
      BooleanSupplier cancelled)
      throws TranscriptionException {
    int window = options.windowSeconds() * SAMPLE_RATE;
    String language = requestedLanguage.orElse(null);
    List<TranscriptSegment> segments = new ArrayList<>();
    int start = 0;
    while (start < samples.length) {
      int end = Math.min(samples.length, start + window);
      boolean lastWindow = end == samples.length;
      float[] chunk = Arrays.copyOfRange(samples, start, Math.max(end, start + MIN_WINDOW_SAMPLES));
      WhisperFullParams params = params(request, language, context(request, segments));
      NativeWhisper.startCapture();
      int rc;
      try {
        rc = jni.fullWithState(context, state, params, chunk, chunk.length);
      } finally {
        List<String> log = NativeWhisper.stopCapture();
        if (language == null) {
          language = detectedLanguage(log).orElse(null);
        }
      }
      if (rc != 0) {
        throw new TranscriptionException("whisper_full failed with code " + rc);
      }
      int n = jni.fullNSegmentsFromState(state);
      long windowMillis = (end - start) * 1000L / SAMPLE_RATE;
      long startMillis = start * 1000L / SAMPLE_RATE;
      int keep = n;
      int advance = end - start;
      if (!lastWindow && n >= 2) {
        // The last segment may be cut by the window edge: decode it again in the next window.
        long cut = jni.fullGetSegmentTimestamp0FromState(state, n - 1) * 10;
        if (cut >= windowMillis / 2 && cut < windowMillis) {
          keep = n - 1;
          advance = (int) (cut * SAMPLE_RATE / 1000);
        }
      }
      for (int i = 0; i < keep; i++) {
        segments.add(
            TranscriptSegment.inWindow(
                startMillis,
                windowMillis,
                jni.fullGetSegmentTimestamp0FromState(state, i) * 10,
                jni.fullGetSegmentTimestamp1FromState(state, i) * 10,
                jni.fullGetSegmentTextFromState(state, i)));
      }
      start += advance;
      double covered = start / (double) SAMPLE_RATE;
      if (start < samples.length) {
        partials.accept(new Transcription(segments, nullToEmpty(language), covered, false));
        if (cancelled.getAsBoolean()) {
          return new Transcription(segments, nullToEmpty(language), covered, false);
        }
      }
    }
    return new Transcription(
        segments, nullToEmpty(language), samples.length / (double) SAMPLE_RATE, true);
  }

  private WhisperFullParams params(TranscriptionOptions request, String language, String prompt) {
    boolean beam = request.beamSize() > 1;
    WhisperFullParams p =
        new WhisperFullParams(
            beam ? WhisperSamplingStrategy.BEAN_SEARCH : WhisperSamplingStrategy.GREEDY);
    p.nThreads = options.threads();
    p.language = language == null ? "auto" : language;
    p.translate = request.task() == SpeechTask.TRANSLATE;
    p.initialPrompt = prompt.isEmpty() ? null : prompt;
    p.noContext = true; // never condition on a previous request's text left in the state
    p.temperature = request.temperature();
    p.temperatureInc = options.temperatureIncrement();
    p.beamSearchBeamSize = beam ? request.beamSize() : -1;
    p.greedyBestOf = 1;
    p.printProgress = false;
    p.printRealtime = false;
    p.printTimestamps = false;
    p.printSpecial = false;
    p.suppressBlank = true;
    return p;
  }

  /** The user's prompt, then the end of the text decoded so far (whisper's own conditioning). */
  private static String context(TranscriptionOptions request, List<TranscriptSegment> segments) {
    StringBuilder sb = new StringBuilder(request.initialPrompt());
    for (TranscriptSegment s : segments) {
      sb.append(s.text());
    }
    String all = sb.toString();
    if (all.length() <= CONTEXT_CHARS || segments.isEmpty()) {
      return all;
    }
    return all.substring(all.length() - CONTEXT_CHARS);
  }

  static Optional<String> detectedLanguage(List<String> log) {
    for (String line : log) {
      Matcher m = DETECTED.matcher(line);
      if (m.find() && WhisperLanguages.isKnown(m.group(1))) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    NativeWhisper.LOCK.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      states.forEach(jni::free);
      jni.free(context);
    } finally {
      NativeWhisper.LOCK.writeLock().unlock();
    }
  }
}
