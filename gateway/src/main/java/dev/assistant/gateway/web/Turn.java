package dev.assistant.gateway.web;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.ConverseAudio;
import dev.assistant.api.v1.ConverseEnd;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.ConverseRequest;
import dev.assistant.api.v1.Event;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One turn of the playground: a Converse call to the gateway's own API, held open while the page
 * POSTs its microphone audio, and the events that call returns, waiting for the page's event
 * stream.
 *
 * <p>The HTTP requests of a turn arrive on different threads and the call's request side is not
 * thread-safe, so every write to it is synchronized here. Events are pulled, not pushed: the call
 * asks the API for {@link #WINDOW} events up front and for one more each time the page has been
 * sent one, so a page that stops reading holds back the API's stream (gRPC flow control) instead of
 * filling this process's memory.
 */
final class Turn {
  /** Events the API may send ahead of the page's reading. */
  static final int WINDOW = 32;

  /** What the page's event stream sends next: an API event, or the end of the call. */
  sealed interface Item permits EventItem, EndItem {}

  record EventItem(Event event) implements Item {}

  /**
   * @param status how the call ended
   * @param terminalSent whether an error or completed event already said so
   */
  record EndItem(Status status, boolean terminalSent) implements Item {}

  private final String id;
  private final boolean expectsAudio;
  private final LongSupplier nanoClock;
  private final Consumer<String> cancelRequest;
  private final BlockingDeque<Item> outbox = new LinkedBlockingDeque<>();
  private final AtomicBoolean reading = new AtomicBoolean();
  private ClientCallStreamObserver<ConverseRequest> call;
  private long nextAudioSeq;
  private long audioBytes;
  private boolean audioEnded;
  private volatile boolean ended;
  private volatile boolean delivered;
  private volatile boolean terminalSeen;
  private volatile boolean cancelWanted;
  private volatile String requestId;
  private volatile long lastActivity;
  private volatile long lastAudio;

  private Turn(
      String id, boolean expectsAudio, LongSupplier nanoClock, Consumer<String> cancelRequest) {
    this.id = id;
    this.expectsAudio = expectsAudio;
    this.nanoClock = nanoClock;
    this.cancelRequest = cancelRequest;
    this.lastActivity = nanoClock.getAsLong();
    this.lastAudio = lastActivity;
  }

  /**
   * Opens the Converse call and sends its header.
   *
   * @param cancelRequest cancels a request by ID through the API (the Cancel call); used when the
   *     page asked to cancel before the request ID was known
   */
  static Turn start(
      String id,
      AssistantGrpc.AssistantStub api,
      ConverseHeader header,
      LongSupplier nanoClock,
      Consumer<String> cancelRequest) {
    Turn turn = new Turn(id, !header.getNoAudio(), nanoClock, cancelRequest);
    turn.open(api, header);
    return turn;
  }

  private synchronized void open(AssistantGrpc.AssistantStub api, ConverseHeader header) {
    api.converse(new Responses());
    call.onNext(ConverseRequest.newBuilder().setHeader(header).build());
    if (!expectsAudio) {
      // Nothing follows a text or image turn: closing our side lets the API end the call.
      audioEnded = true;
      call.onCompleted();
    }
  }

  String id() {
    return id;
  }

  /** The API's request ID, once the call was accepted. */
  Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** Audio chunk {@code seq} (from 0) of raw PCM16; chunks must come in order, each once. */
  synchronized void audio(long seq, byte[] pcm) {
    touch();
    if (!expectsAudio) {
      throw new HttpError(409, "turn " + id + " was started without audio");
    }
    if (audioEnded || ended) {
      throw new HttpError(409, "turn " + id + " takes no more audio");
    }
    if (seq != nextAudioSeq) {
      throw new HttpError(
          409, "audio chunk " + seq + " of turn " + id + " arrived; expected " + nextAudioSeq);
    }
    if (pcm.length % 2 != 0) {
      throw new HttpError(400, "audio chunk is not whole 16-bit samples: " + pcm.length + " bytes");
    }
    nextAudioSeq++;
    audioBytes += pcm.length;
    lastAudio = nanoClock.getAsLong();
    if (pcm.length > 0) {
      call.onNext(
          ConverseRequest.newBuilder()
              .setAudio(ConverseAudio.newBuilder().setData(ByteString.copyFrom(pcm)))
              .build());
    }
  }

  /** No more audio: the recognizer finishes and the answer follows. Idempotent. */
  synchronized void endAudio() {
    touch();
    if (audioEnded || ended) {
      return;
    }
    audioEnded = true;
    call.onNext(ConverseRequest.newBuilder().setEnd(ConverseEnd.getDefaultInstance()).build());
    call.onCompleted();
  }

  /**
   * Asks for the request to stop. Returns its ID when known, for the caller to send the API's
   * Cancel; otherwise the Cancel goes out as soon as the request is accepted.
   */
  Optional<String> cancel() {
    touch();
    cancelWanted = true;
    return requestId();
  }

  long audioBytes() {
    return audioBytes;
  }

  // --- the page's event stream -------------------------------------------------------------------

  /** Claims the event stream; false when another one reads it already. */
  boolean attachReader() {
    touch();
    return reading.compareAndSet(false, true);
  }

  void detachReader() {
    touch();
    reading.set(false);
  }

  /** The next item for the page, or null when none came within {@code wait}. */
  Item next(Duration wait) throws InterruptedException {
    return outbox.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** An item that could not be written goes back first in line for the next reader. */
  void unread(Item item) {
    outbox.addFirst(item);
  }

  /** The page got {@code item}: the API may send one more event. */
  void sent(Item item) {
    touch();
    if (item instanceof EndItem) {
      delivered = true;
    } else {
      synchronized (this) {
        if (!ended) {
          call.request(1);
        }
      }
    }
  }

  // --- life cycle --------------------------------------------------------------------------------

  /** The call ended and the page was told. */
  boolean delivered() {
    return delivered;
  }

  /** The call ended (the page may not have read all of it yet). */
  boolean ended() {
    return ended;
  }

  /**
   * Whether nobody looks after this turn any more: no event stream reads it and no request came for
   * {@code idle}; or its recording stopped sending audio for {@code idle} without ending.
   */
  boolean idle(Duration idle) {
    long now = nanoClock.getAsLong();
    long limit = idle.toNanos();
    if (!reading.get() && now - lastActivity > limit) {
      return true;
    }
    boolean recording;
    synchronized (this) {
      recording = expectsAudio && !audioEnded && !ended;
    }
    return recording && now - lastAudio > limit;
  }

  /**
   * Gives up on the turn: the call is cancelled (the API then cancels a request whose audio had not
   * ended); with {@code cancelRunning}, a request that was already running is cancelled too, since
   * nobody will see it.
   */
  void abandon(String reason, boolean cancelRunning) {
    String running = cancelRunning ? requestId : null;
    synchronized (this) {
      if (!ended) {
        call.cancel(reason, null);
      }
    }
    if (running != null && !terminalSeen) {
      cancelRequest.accept(running);
    }
  }

  private void touch() {
    lastActivity = nanoClock.getAsLong();
  }

  /** The API's side of the call. */
  private final class Responses implements ClientResponseObserver<ConverseRequest, Event> {
    @Override
    public void beforeStart(ClientCallStreamObserver<ConverseRequest> requestStream) {
      requestStream.disableAutoRequestWithInitial(WINDOW);
      call = requestStream;
    }

    @Override
    public void onNext(Event event) {
      if (event.hasAccepted() && requestId == null) {
        requestId = event.getRequestId();
        if (cancelWanted) {
          cancelRequest.accept(requestId);
        }
      }
      if (event.hasError() || event.hasCompleted()) {
        terminalSeen = true;
      }
      outbox.add(new EventItem(event));
    }

    @Override
    public void onError(Throwable t) {
      finish(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      finish(Status.OK);
    }

    private void finish(Status status) {
      synchronized (Turn.this) {
        ended = true;
      }
      outbox.add(new EndItem(status, terminalSeen));
    }
  }
}
