package dev.assistant.gateway.coordinator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.assistant.api.v1.Accepted;
import dev.assistant.api.v1.AnswerDelta;
import dev.assistant.api.v1.Completed;
import dev.assistant.api.v1.Error;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.Stage;
import dev.assistant.api.v1.StageTiming;
import dev.assistant.common.kafka.Topics;
import dev.assistant.internal.v1.ControlRecord;
import dev.assistant.internal.v1.CoordinatorState;
import dev.assistant.internal.v1.LlmRequestRecord;
import dev.assistant.internal.v1.RequestKind;
import dev.assistant.internal.v1.RequestRecord;
import dev.assistant.internal.v1.ResultRecord;
import dev.assistant.internal.v1.RouteRecord;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TtsRequestRecord;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of a request: joins the request with its final transcript, hands the streamed
 * answer to the {@link SpeechPlanner} (which sentences to speak, when), has the {@link EventLog}
 * number, store and route every event, and writes the final result.
 *
 * <p>Stage outputs carry a per-stage sequence number; one at or below the highest seen is a replay
 * by a restarted worker and is dropped, so clients never see a duplicate. Events are kept in a
 * store until the request's retention ends, so a client that reconnects anywhere can resume with
 * Watch.
 */
final class RequestCoordinator implements Processor<String, byte[], String, Object> {
  private static final Logger log = LoggerFactory.getLogger(RequestCoordinator.class);

  // Bounds the state kept for an ID whose request never comes (outputs of a purged request).
  private static final int MAX_EARLY_OUTPUTS = 10_000;

  private final Topics topics;
  private final CoordinatorSettings settings;
  private final dev.assistant.gateway.GatewayMetrics metrics =
      dev.assistant.gateway.GatewayMetrics.get();
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, CoordinatorState> states;
  private EventLog events;
  private KeyValueStore<String, String> deadlines;

  RequestCoordinator(Topics topics, CoordinatorSettings settings) {
    this.topics = topics;
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.states = context.getStateStore(CoordinatorTopology.STATE_STORE);
    this.events =
        new EventLog(context.getStateStore(CoordinatorTopology.EVENT_STORE), this::forward);
    this.deadlines = context.getStateStore(CoordinatorTopology.DEADLINE_STORE);
    context.schedule(settings.purgeInterval(), PunctuationType.WALL_CLOCK_TIME, this::purge);
    context.schedule(
        settings.deadlineCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::expireOverdue);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
    String id = record.key();
    if (id == null || id.isEmpty() || record.value() == null) {
      return;
    }
    try {
      if (topic.equals(topics.requests())) {
        onRequest(RequestRecord.parseFrom(record.value()));
      } else if (topic.equals(topics.control())) {
        onControl(id, ControlRecord.parseFrom(record.value()));
      } else if (topic.equals(topics.routes())) {
        onRoute(id, RouteRecord.parseFrom(record.value()));
      } else {
        onStageOutput(id, StageOutput.parseFrom(record.value()));
      }
    } catch (InvalidProtocolBufferException e) {
      // Producers are ours; a malformed record here is a bug elsewhere, not a reason to stop.
      log.error("dropping malformed record for {} on {}: {}", id, topic, e.getMessage());
    }
  }

  // --- requests ---------------------------------------------------------------------------------

  private void onRequest(RequestRecord request) {
    String id = request.getRequestId();
    CoordinatorState existing = states.get(id);
    if (existing != null && existing.hasRequest()) {
      onDuplicate(existing, request);
      return;
    }
    CoordinatorState early = existing; // null, or what arrived before the request
    RequestRecord stored = request.toBuilder().clearAudio().build();
    CoordinatorState.Builder state =
        CoordinatorState.newBuilder()
            .setRequest(stored)
            .setRoute(request.getReplyRoute())
            .setNextSequence(1);
    emit(
        state,
        Stage.STAGE_COORDINATOR,
        Event.newBuilder()
            .setAccepted(Accepted.newBuilder().setAcceptedAt(request.getAcceptedAt())));
    if (early != null && early.getCancelledEarly()) {
      // Cancelled before it was seen: no stage gets it.
      fail(
          state, Stage.STAGE_COORDINATOR, Status.Code.CANCELLED.value(), "cancelled by the client");
      states.put(id, state.build());
      return;
    }
    if (request.hasDeadline()) {
      deadlines.put(deadlineKey(request), id);
    }
    if (request.hasAudio() && !request.getAudio().getData().isEmpty()) {
      chunkAudio(request);
    } else if (request.getOptions().getSpeakPrompt()) {
      // Synthesis only: the prompt takes the place of an answer.
      speakCompleteSentences(state, request.getPrompt(), true);
    } else if (!request.getAudioStreamed()) {
      sendLlmRequest(state);
    }
    states.put(id, state.build());
    if (early != null) {
      early.getEarlyOutputsList().forEach(out -> onStageOutput(id, out));
    }
  }

  /** Cuts a unary request's audio into audio.chunks records, options on the first. */
  private void chunkAudio(RequestRecord request) {
    byte[] audio = request.getAudio().getData().toByteArray();
    int size = settings.audioChunkBytes();
    int count = Math.max(1, (audio.length + size - 1) / size);
    for (int i = 0; i < count; i++) {
      int from = i * size;
      int to = Math.min(audio.length, from + size);
      var chunk =
          dev.assistant.internal.v1.AudioChunkRecord.newBuilder()
              .setRequestId(request.getRequestId())
              .setSeq(i)
              .setEncoding(request.getAudio().getEncoding())
              .setSampleRate(request.getAudio().getSampleRate())
              .setChannels(request.getAudio().getChannels())
              .setData(com.google.protobuf.ByteString.copyFrom(audio, from, to - from))
              .setLast(i == count - 1);
      if (i == 0) {
        chunk.setOptions(request.getOptions());
        if (request.hasDeadline()) {
          chunk.setDeadline(request.getDeadline());
        }
      }
      if (i == count - 1) {
        chunk.setTotalChunks(count);
      }
      forward(CoordinatorTopology.SINK_AUDIO, request.getRequestId(), chunk.build().toByteArray());
    }
  }

  /**
   * The same request ID again. Nothing is run twice: an Ask is attached to the existing request
   * (its events are replayed to the new caller); a Submit is told it is a duplicate.
   */
  private void onDuplicate(CoordinatorState existing, RequestRecord request) {
    Event.Builder notice =
        Event.newBuilder()
            .setRequestId(request.getRequestId())
            .setSequence(0)
            .setStage(Stage.STAGE_COORDINATOR)
            .setTime(now())
            .setAccepted(
                Accepted.newBuilder()
                    .setAcceptedAt(existing.getRequest().getAcceptedAt())
                    .setDuplicate(true));
    if (request.getKind() == RequestKind.REQUEST_KIND_ASK) {
      CoordinatorState.Builder state = existing.toBuilder().setRoute(request.getReplyRoute());
      events.replay(state.build(), 1, true);
      states.put(request.getRequestId(), state.build());
    } else {
      events.reply(request.getReplyRoute(), request.getRequestId(), notice.build());
    }
  }

  // --- stage outputs ---------------------------------------------------------------------------

  private void onStageOutput(String id, StageOutput out) {
    CoordinatorState existing = states.get(id);
    if (existing == null || !existing.hasRequest()) {
      holdEarly(id, existing, out);
      return;
    }
    if (existing.getFinished()) {
      return; // late outputs of a cancelled or failed request
    }
    int stage = out.getStageValue();
    long last = existing.getLastStageSeqOrDefault(stage, -1L);
    // An error is terminal and is never a replay of anything routed: the request is unfinished,
    // so no error of this stage was routed before. A worker that took a request over after its
    // deadline passed reports the expiry under the sequence number it starts from, which the dead
    // worker may already have used for an answer token; dropping it would leave the request
    // without a terminal event.
    if (out.getSeq() <= last && !out.hasError()) {
      metrics.coordinatorRecords.labelValues(out.getStage().name(), "replay_dropped").inc();
      return; // replay of an output already routed
    }
    metrics.coordinatorRecords.labelValues(out.getStage().name(), "routed").inc();
    CoordinatorState.Builder state =
        existing.toBuilder().putLastStageSeq(stage, Math.max(last, out.getSeq()));
    recordTiming(state, out);
    if (out.hasError()) {
      fail(state, out.getStage(), out.getError().getCode(), out.getError().getMessage());
    } else {
      switch (out.getStage()) {
        case STAGE_STT -> onTranscript(state, out);
        case STAGE_LLM -> onAnswer(state, out);
        case STAGE_TTS -> onSpeech(state, out);
        default -> log.warn("output of unexpected stage {} for {}", out.getStage(), id);
      }
    }
    states.put(id, state.build());
  }

  /**
   * Keeps an output whose request has not been processed yet. The coordinator's input topics are
   * read without waiting for each other (see KafkaSettings#streams), so a transcript of streamed
   * audio can overtake its request when the requests partition is backlogged. An output of a
   * request purged long ago is kept too, and forgotten after retention.
   */
  private void holdEarly(String id, CoordinatorState existing, StageOutput out) {
    if (existing != null && existing.getEarlyOutputsCount() >= MAX_EARLY_OUTPUTS) {
      log.warn("dropping output of unknown request {}: {} already held", id, MAX_EARLY_OUTPUTS);
      return;
    }
    metrics.coordinatorRecords.labelValues(out.getStage().name(), "held_early").inc();
    states.put(id, heldFor(existing).addEarlyOutputs(out).build());
  }

  /** The request-less state that holds what arrived before a request. */
  private static CoordinatorState.Builder heldFor(CoordinatorState existing) {
    return existing == null
        ? CoordinatorState.newBuilder().setFirstEarlyAt(now())
        : existing.toBuilder();
  }

  private void onTranscript(CoordinatorState.Builder state, StageOutput out) {
    if (!out.hasTranscript()) {
      return;
    }
    emit(state, Stage.STAGE_STT, Event.newBuilder().setTranscript(out.getTranscript()));
    if (out.getTranscript().getFinal() && !state.getTranscriptDone()) {
      state.setTranscriptDone(true).setTranscript(out.getTranscript());
      RequestRecord r = state.getRequest();
      if (r.getOptions().getSkipAnswer()) {
        // Transcription only; an empty transcript (silence) is a result here, not an error.
        complete(state);
        return;
      }
      if (out.getTranscript().getText().isBlank() && r.getPrompt().isBlank() && !r.hasImage()) {
        fail(
            state,
            Stage.STAGE_STT,
            Status.Code.INVALID_ARGUMENT.value(),
            "no speech was recognized and the request has no prompt or image");
        return;
      }
      sendLlmRequest(state);
    }
  }

  private void sendLlmRequest(CoordinatorState.Builder state) {
    if (state.getLlmSent()) {
      return;
    }
    RequestRecord r = state.getRequest();
    LlmRequestRecord.Builder llm =
        LlmRequestRecord.newBuilder()
            .setRequestId(r.getRequestId())
            .setOptions(r.getOptions())
            .setPrompt(r.getPrompt())
            .setTranscript(state.getTranscript().getText())
            .setLanguage(state.getTranscript().getLanguage());
    if (r.hasImage()) {
      llm.setImage(r.getImage());
    }
    if (r.hasDeadline()) {
      llm.setDeadline(r.getDeadline());
    }
    forward(CoordinatorTopology.SINK_LLM, r.getRequestId(), llm.build().toByteArray());
    // The image is no longer needed here; keep the state small.
    state.setLlmSent(true).setRequest(r.toBuilder().clearImage());
  }

  private void onAnswer(CoordinatorState.Builder state, StageOutput out) {
    if (out.hasToken()) {
      if (out.getToken().getText().isEmpty()) {
        return;
      }
      emit(
          state,
          Stage.STAGE_LLM,
          Event.newBuilder()
              .setAnswerDelta(
                  AnswerDelta.newBuilder()
                      .setText(out.getToken().getText())
                      .setTokenCount(out.getToken().getTokenCount())));
      speakCompleteSentences(state, state.getPendingText() + out.getToken().getText(), false);
    } else if (out.hasAnswer() && !state.getAnswerDone()) {
      state.setAnswerDone(true).setAnswer(out.getAnswer());
      emit(state, Stage.STAGE_LLM, Event.newBuilder().setAnswer(out.getAnswer()));
      if (SpeechPlanner.skipped(state)) {
        complete(state);
      } else {
        speakCompleteSentences(state, state.getPendingText(), true);
      }
    }
  }

  /** Sends the sentences the text completes to speech synthesis. */
  private void speakCompleteSentences(
      CoordinatorState.Builder state, String text, boolean finished) {
    for (TtsRequestRecord tts : SpeechPlanner.sentences(state, text, finished)) {
      forward(CoordinatorTopology.SINK_TTS, tts.getRequestId(), tts.toByteArray());
    }
  }

  private void onSpeech(CoordinatorState.Builder state, StageOutput out) {
    if (out.hasSpectrogram()) {
      emit(state, Stage.STAGE_TTS, Event.newBuilder().setSpectrogram(out.getSpectrogram()));
    }
    if (out.hasAudio()) {
      state.setAudioBytes(state.getAudioBytes() + out.getAudio().getData().size());
      emit(state, Stage.STAGE_TTS, Event.newBuilder().setAudio(out.getAudio()));
    }
    // The stage's own last output ends the request: it may follow the last audio chunk (the
    // last sentence's spectrogram comes after its audio).
    if (out.getLast()) {
      complete(state);
    }
  }

  private static void recordTiming(CoordinatorState.Builder state, StageOutput out) {
    if (out.getStage() == Stage.STAGE_UNSPECIFIED) {
      return;
    }
    for (int i = 0; i < state.getTimingsCount(); i++) {
      StageTiming t = state.getTimings(i);
      if (t.getStage() == out.getStage()) {
        StageTiming.Builder b = t.toBuilder();
        if (out.hasQueued() && !t.hasQueued()) {
          b.setQueued(out.getQueued());
        }
        if (out.hasProcessing()) {
          b.setProcessing(out.getProcessing());
        }
        state.setTimings(i, b);
        return;
      }
    }
    StageTiming.Builder b = StageTiming.newBuilder().setStage(out.getStage());
    if (out.hasQueued()) {
      b.setQueued(out.getQueued());
    }
    if (out.hasProcessing()) {
      b.setProcessing(out.getProcessing());
    }
    state.addTimings(b);
  }

  // --- control and routes ----------------------------------------------------------------------

  private void onControl(String id, ControlRecord control) {
    if (!control.getCancelled()) {
      return;
    }
    CoordinatorState existing = states.get(id);
    if (existing == null || !existing.hasRequest()) {
      // Not seen yet: it may still be on its way (input topics are not read in lockstep).
      states.put(id, heldFor(existing).setCancelledEarly(true).build());
      existing = null;
    }
    boolean running = existing != null && !existing.getFinished();
    if (running) {
      CoordinatorState.Builder state = existing.toBuilder();
      fail(
          state, Stage.STAGE_COORDINATOR, Status.Code.CANCELLED.value(), "cancelled by the client");
      states.put(id, state.build());
    }
    if (!control.getReplyRoute().isEmpty()) {
      events.ack(
          control.getReplyRoute(), id, control.getCorrelationId(), existing != null, running, 0);
    }
  }

  private void onRoute(String id, RouteRecord route) {
    CoordinatorState existing = states.get(id);
    if (existing == null || !existing.hasRequest()) {
      events.ack(route.getReplyRoute(), id, route.getCorrelationId(), false, false, 0);
      return;
    }
    CoordinatorState state = existing.toBuilder().setRoute(route.getReplyRoute()).build();
    states.put(id, state);
    events.ack(route.getReplyRoute(), id, route.getCorrelationId(), state);
    events.replay(state, Math.max(1, route.getFromSequence()), false);
  }

  // --- completion ------------------------------------------------------------------------------

  private void complete(CoordinatorState.Builder state) {
    Instant accepted = toInstant(state.getRequest().getAcceptedAt());
    Completed completed =
        Completed.newBuilder()
            .addAllTimings(state.getTimingsList())
            .setTotal(toDuration(Duration.between(accepted, Instant.now())))
            .build();
    emit(state, Stage.STAGE_COORDINATOR, Event.newBuilder().setCompleted(completed));
    finish(state, 0, "", completed);
  }

  private void fail(CoordinatorState.Builder state, Stage stage, int code, String message) {
    if (state.getFinished()) {
      return;
    }
    emit(
        state,
        stage,
        Event.newBuilder()
            .setError(Error.newBuilder().setCode(code).setMessage(message).setStage(stage)));
    finish(
        state, code, message, Completed.newBuilder().addAllTimings(state.getTimingsList()).build());
  }

  private void finish(CoordinatorState.Builder state, int code, String message, Completed done) {
    Timestamp now = now();
    metrics.requestsFinished.labelValues(Status.fromCodeValue(code).getCode().name()).inc();
    state
        .setFinished(true)
        .setStatusCode(code)
        .setStatusMessage(message)
        .setFinishedAt(now)
        .setPendingText("");
    RequestRecord r = state.getRequest();
    if (r.hasDeadline()) {
      deadlines.delete(deadlineKey(r));
    }
    ResultRecord.Builder result =
        ResultRecord.newBuilder()
            .setRequestId(r.getRequestId())
            .setTenant(r.getTenant())
            .setStatusCode(code)
            .setStatusMessage(message)
            .setSentences(state.getSentences())
            .setAudioBytes(state.getAudioBytes())
            .setCompleted(done)
            .setAcceptedAt(r.getAcceptedAt())
            .setFinishedAt(now);
    if (state.getTranscriptDone()) {
      result.setTranscript(state.getTranscript());
    }
    if (state.getAnswerDone()) {
      result.setAnswer(state.getAnswer());
    }
    forward(CoordinatorTopology.SINK_RESULTS, r.getRequestId(), result.build());
  }

  /** Wall-clock sweep: forget finished requests past retention, fail ones that never finish. */
  private void purge(long nowMs) {
    Instant now = Instant.ofEpochMilli(nowMs);
    List<String> forget = new ArrayList<>();
    List<String> expire = new ArrayList<>();
    try (KeyValueIterator<String, CoordinatorState> it = states.all()) {
      while (it.hasNext()) {
        KeyValue<String, CoordinatorState> kv = it.next();
        CoordinatorState s = kv.value;
        if (!s.hasRequest()) {
          if (toInstant(s.getFirstEarlyAt()).plus(settings.retention()).isBefore(now)) {
            forget.add(kv.key);
          }
        } else if (s.getFinished()) {
          if (toInstant(s.getFinishedAt()).plus(settings.retention()).isBefore(now)) {
            forget.add(kv.key);
          }
        } else if (!s.getRequest().hasDeadline()
            && s.getRequest().getKind() != RequestKind.REQUEST_KIND_SUBMIT
            && toInstant(s.getRequest().getAcceptedAt()).plus(settings.maxAge()).isBefore(now)) {
          // A batch job without a deadline may wait in a backlog for as long as it takes;
          // interactive requests always carry one, so this only catches records from elsewhere.
          expire.add(kv.key);
        }
      }
    }
    for (String id : expire) {
      CoordinatorState.Builder state = states.get(id).toBuilder();
      fail(
          state,
          Stage.STAGE_COORDINATOR,
          Status.Code.DEADLINE_EXCEEDED.value(),
          "request did not finish within " + settings.maxAge());
      states.put(id, state.build());
    }
    for (String id : forget) {
      states.delete(id);
      events.forget(id);
    }
  }

  /**
   * Ends every unfinished request whose deadline passed more than the grace ago. Workers report an
   * expiry themselves when they meet the request; this covers the request no worker holds at that
   * moment (its worker died and the partition is still moving, or its input waits in a backlog), so
   * every request ends with exactly one terminal event even when no stage speaks again.
   */
  private void expireOverdue(long nowMs) {
    long limit = nowMs - settings.deadlineGrace().toMillis();
    if (limit < 0) {
      return;
    }
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        deadlines.range(deadlineKey(0, ""), deadlineKey(limit, "\uffff"))) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> kv : due) {
      CoordinatorState existing = states.get(kv.value);
      if (existing == null || !existing.hasRequest() || existing.getFinished()) {
        deadlines.delete(kv.key);
        continue;
      }
      CoordinatorState.Builder state = existing.toBuilder();
      Stage pending = pendingStage(state);
      metrics.coordinatorRecords.labelValues(pending.name(), "expired").inc();
      fail(
          state,
          pending,
          Status.Code.DEADLINE_EXCEEDED.value(),
          "deadline passed before " + stageName(pending) + " finished");
      states.put(kv.value, state.build());
    }
  }

  /** The stage a request waits for: the first one whose output is not complete. */
  private static Stage pendingStage(CoordinatorState.Builder state) {
    RequestRecord r = state.getRequest();
    boolean speech = r.getAudioStreamed() || r.hasAudio() || state.hasTranscript();
    if (speech && !state.getTranscriptDone()) {
      return Stage.STAGE_STT;
    }
    if (r.getOptions().getSpeakPrompt()) {
      return Stage.STAGE_TTS;
    }
    if (!state.getAnswerDone()) {
      return Stage.STAGE_LLM;
    }
    return Stage.STAGE_TTS;
  }

  private static String stageName(Stage stage) {
    return stage.name().substring("STAGE_".length()).toLowerCase(java.util.Locale.ROOT);
  }

  /** Deadline index key: zero-padded epoch milliseconds, a separator, the request ID. */
  static String deadlineKey(long epochMs, String id) {
    String digits = Long.toString(Math.max(0, epochMs));
    StringBuilder key = new StringBuilder(id.length() + 16);
    for (int i = digits.length(); i < 15; i++) {
      key.append('0');
    }
    return key.append(digits).append('\u0001').append(id).toString();
  }

  private static String deadlineKey(RequestRecord r) {
    return deadlineKey(toInstant(r.getDeadline()).toEpochMilli(), r.getRequestId());
  }

  // --- events ----------------------------------------------------------------------------------

  private void emit(CoordinatorState.Builder state, Stage stage, Event.Builder event) {
    events.emit(state, stage, event);
  }

  private void forward(String child, String key, Object value) {
    context.forward(new Record<>(key, value, context.currentSystemTimeMs()), child);
  }

  static String eventKey(String id, long seq) {
    return EventLog.eventKey(id, seq);
  }

  private static Timestamp now() {
    return Timestamps.now();
  }

  private static Instant toInstant(Timestamp t) {
    return Instant.ofEpochMilli(Timestamps.toMillis(t));
  }

  private static com.google.protobuf.Duration toDuration(Duration d) {
    return Durations.fromNanos(d.toNanos());
  }
}
