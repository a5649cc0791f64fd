package dev.assistant.gateway.grpc;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.ConverseRequest;
import dev.assistant.api.v1.Event;
import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.ControlRecord;
import dev.assistant.internal.v1.RequestKind;
import dev.assistant.internal.v1.RequestRecord;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Converse call: a header, then audio, then an end marker. The request is published when the
 * header arrives (durably, before any audio), audio is re-chunked into records of {@code
 * gateway.audio.chunk.bytes}, and the request's events stream back from the start.
 */
final class ConverseCall implements StreamObserver<ConverseRequest> {
  private final CallSupport calls;
  private final ServerCallStreamObserver<Event> observer;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private ConverseHeader header;
  private String id;
  private int nextChunk;
  private long audioBytes;
  private boolean ended;
  private boolean failed;

  private volatile EventStream stream;
  private volatile Runnable release;
  private ScheduledFuture<?> idleTimer;

  ConverseCall(CallSupport calls, ServerCallStreamObserver<Event> observer) {
    this.calls = calls;
    this.observer = observer;
    resetIdleTimer();
    // A bidi call's handlers must be set before converse() returns, not when the header comes.
    observer.setOnReadyHandler(
        () -> {
          EventStream s = stream;
          if (s != null) {
            s.drain();
          }
        });
    observer.setOnCancelHandler(
        () -> {
          Runnable r = release;
          if (r != null) {
            r.run();
          }
        });
  }

  /**
   * A client that opens a Converse and then sends nothing, never ending it, would hold a call, an
   * admission ticket and a half-assembled request forever. Until its end, every message restarts
   * the clock; when it runs out the call fails and the request is cancelled.
   */
  private void resetIdleTimer() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
    }
    Duration timeout = calls.settings.converseIdleTimeout();
    idleTimer = calls.timers.schedule(this::idleTimeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void idleTimeout() {
    if (ended || failed) {
      return;
    }
    fail(
        Status.DEADLINE_EXCEEDED
            .withDescription(
                "converse: nothing received for "
                    + calls.settings.converseIdleTimeout().toMillis()
                    + " ms before end (gateway.converse.idle.timeout)")
            .asRuntimeException());
  }

  @Override
  public synchronized void onNext(ConverseRequest message) {
    if (failed) {
      return;
    }
    if (message.getPartCase() != ConverseRequest.PartCase.END) {
      resetIdleTimer();
    } else if (idleTimer != null) {
      idleTimer.cancel(false);
    }
    try {
      switch (message.getPartCase()) {
        case HEADER -> onHeader(message.getHeader());
        case AUDIO -> onAudio(message.getAudio().getData());
        case END -> onEnd();
        default -> throw RequestValidator.invalid("message has no header, audio or end");
      }
    } catch (StatusRuntimeException e) {
      fail(e);
    }
  }

  private void onHeader(ConverseHeader h) {
    if (header != null) {
      throw RequestValidator.invalid("header: sent twice");
    }
    calls.validator.prompt(h.getPrompt());
    calls.validator.options(h.getOptions());
    if (h.hasImage()) {
      calls.validator.image(h.getImage());
    }
    if (h.getNoAudio() && h.getPrompt().isBlank() && !h.hasImage()) {
      throw RequestValidator.invalid("request has no audio, prompt or image");
    }
    calls.validator.stages(h.getOptions(), !h.getNoAudio(), h.hasImage(), h.getPrompt());
    calls.validator.speechOptionsNeedAudio(h.getOptions(), !h.getNoAudio());
    calls.catalog.options(h.getOptions(), !h.getNoAudio());
    if (!h.getNoAudio()) {
      calls.validator.audioFormat(h.getAudioEncoding(), h.getSampleRate(), h.getChannels());
    }
    Admission.Ticket ticket = calls.admission.admit();
    header = h;
    id = CallSupport.newId();
    RequestRecord.Builder r =
        RequestRecord.newBuilder()
            .setRequestId(id)
            .setKind(RequestKind.REQUEST_KIND_CONVERSE)
            .setTenant(h.getTenant())
            .setOptions(h.getOptions())
            .setPrompt(h.getPrompt())
            .setAudioStreamed(!h.getNoAudio())
            .setReplyRoute(calls.gatewayId)
            .setAcceptedAt(CallSupport.now());
    if (h.hasImage()) {
      r.setImage(h.getImage());
    }
    calls.deadline().ifPresent(r::setDeadline);
    EventStream events =
        new EventStream(
            observer, 1, calls.settings.maxBufferedEvents(), calls.gapRepair(id), () -> {});
    AutoCloseable registration = calls.replies.listen(id, events);
    release =
        () -> {
          CallSupport.closeQuietly(registration);
          ticket.close();
        };
    events.onFinish(release);
    stream = events;
    try {
      // Audio must not overtake its request: the request is durable before any chunk is sent.
      calls
          .sink
          .request(r.build())
          .get(calls.settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw CallSupport.unavailable(e, "request not published");
    }
  }

  private void onAudio(ByteString data) {
    if (header == null) {
      throw RequestValidator.invalid("audio: the header must come first");
    }
    if (header.getNoAudio() || ended) {
      throw RequestValidator.invalid("audio: not expected after no_audio or end");
    }
    audioBytes += data.size();
    calls.validator.streamedAudio(
        audioBytes, header.getAudioEncoding(), header.getSampleRate(), header.getChannels());
    pending.writeBytes(data.toByteArray());
    while (pending.size() >= calls.settings.audioChunkBytes()) {
      byte[] all = pending.toByteArray();
      pending.reset();
      int size = calls.settings.audioChunkBytes();
      publishChunk(ByteString.copyFrom(all, 0, size), false);
      pending.write(all, size, all.length - size);
    }
  }

  private void onEnd() {
    if (header == null) {
      throw RequestValidator.invalid("end: the header must come first");
    }
    if (ended) {
      return;
    }
    ended = true;
    if (header.getNoAudio()) {
      return;
    }
    if (audioBytes == 0) {
      cancelRequest();
      throw RequestValidator.invalid("audio: no audio was sent before end");
    }
    publishChunk(ByteString.copyFrom(pending.toByteArray()), true);
    pending.reset();
  }

  private void publishChunk(ByteString data, boolean last) {
    AudioChunkRecord.Builder c =
        AudioChunkRecord.newBuilder()
            .setRequestId(id)
            .setSeq(nextChunk)
            .setEncoding(header.getAudioEncoding())
            .setSampleRate(header.getSampleRate())
            .setChannels(header.getChannels())
            .setData(data)
            .setLast(last);
    if (nextChunk == 0) {
      c.setOptions(header.getOptions());
      calls.deadline().ifPresent(c::setDeadline);
    }
    if (last) {
      c.setTotalChunks(nextChunk + 1);
    }
    nextChunk++;
    calls.sink.audio(c.build()).whenComplete((md, e) -> CallSupport.failIfUnpublished(observer, e));
  }

  /** Stops the request: workers skip it, and a waiting recognizer gets its end marker. */
  private void cancelRequest() {
    if (id == null) {
      return;
    }
    calls.sink.control(
        ControlRecord.newBuilder()
            .setRequestId(id)
            .setCancelled(true)
            .setAt(CallSupport.now())
            .build());
    // A recognizer holding this request's chunks waits for the last one: send it an empty end
    // marker. When no chunk went out, no recognizer waits — and a lone empty chunk would reach
    // one as a request with no audio at all (refused and dead-lettered as invalid input) if it
    // arrives before the cancellation does.
    if (!header.getNoAudio() && !ended && nextChunk > 0) {
      ended = true;
      publishChunk(ByteString.EMPTY, true);
    }
    ended = true;
  }

  private void fail(StatusRuntimeException e) {
    failed = true;
    cancelRequest();
    try {
      observer.onError(e);
    } catch (IllegalStateException alreadyClosed) {
      // closed concurrently
    }
  }

  @Override
  public synchronized void onError(Throwable t) {
    idleTimer.cancel(false);
    // The client went away before sending end: without the rest of the audio the request
    // cannot be answered, so it is cancelled. After end it keeps running (resume with Watch).
    if (!ended) {
      cancelRequest();
    }
  }

  @Override
  public synchronized void onCompleted() {
    if (header == null) {
      fail(RequestValidator.invalid("stream ended without a header"));
    } else if (!ended && !failed) {
      try {
        onEnd();
      } catch (StatusRuntimeException e) {
        fail(e);
      }
    }
  }
}
