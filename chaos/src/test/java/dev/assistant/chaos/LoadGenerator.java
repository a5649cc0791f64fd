package dev.assistant.chaos;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.AudioInput;
import dev.assistant.api.v1.ConverseAudio;
import dev.assistant.api.v1.ConverseEnd;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.ConverseRequest;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.Image;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.SubmitRequest;
import dev.assistant.api.v1.SubmitResponse;
import dev.assistant.api.v1.WatchRequest;
import dev.assistant.chaos.RequestLedger.Entry;
import dev.assistant.chaos.RequestLedger.Kind;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady stream of requests through every gateway, as real clients would send them: batch jobs
 * ({@code Submit}, then {@code Watch} to follow), spoken questions ({@code Converse}), and now and
 * then an input a stage must refuse. A client whose stream breaks before the terminal event resumes
 * with {@code Watch} from its last sequence on the next gateway; a refused or unconfirmed {@code
 * Submit} is sent again with the same request ID (it is idempotent). Every request ends up in the
 * {@link RequestLedger} with exactly what its client received.
 */
final class LoadGenerator implements AutoCloseable {
  private static final Set<Status.Code> RETRIABLE =
      Set.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.CANCELLED,
          Status.Code.ABORTED);
  private static final int MAX_TOKENS = 8;

  private final List<ManagedChannel> gateways;
  private final RequestLedger ledger;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final Semaphore open;
  private final int maxOpen;
  private final Set<String> released = ConcurrentHashMap.newKeySet();
  private final AtomicLong counter = new AtomicLong();
  private final AtomicLong harnessErrors = new AtomicLong();
  private final byte[] speech = TestInputs.pcm16(1.5, 7);
  private final byte[] truncatedPng = TestInputs.truncatedPng();
  private volatile ScheduledFuture<?> ticking;
  private volatile boolean closed;

  LoadGenerator(List<ManagedChannel> gateways, RequestLedger ledger, int maxOpen) {
    this.gateways = gateways;
    this.ledger = ledger;
    this.open = new Semaphore(maxOpen);
    this.maxOpen = maxOpen;
  }

  /** Starts sending {@code perSecond} new requests a second (fewer while maxOpen are open). */
  void start(double perSecond) {
    long period = Math.round(1000 / perSecond);
    ticking = scheduler.scheduleAtFixedRate(this::next, 0, period, TimeUnit.MILLISECONDS);
  }

  /** Stops starting new requests; the open ones are still followed to their end. */
  void stopSending() {
    ScheduledFuture<?> t = ticking;
    if (t != null) {
      t.cancel(false);
    }
  }

  long sent() {
    return counter.get();
  }

  /** Waits until every request the ledger knows has its terminal event; false on timeout. */
  boolean awaitAllFinished(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (ledger.unfinished() == 0 && open.availablePermits() == maxOpen) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private void next() {
    if (closed || !open.tryAcquire()) {
      return; // bounded: a stalled pipeline is not buried under new work
    }
    long n = counter.incrementAndGet();
    try {
      switch ((int) (n % 30)) {
        case 0 -> submit(n, Kind.INVALID_AUDIO);
        case 10 -> submit(n, Kind.INVALID_IMAGE);
        case 20 -> submit(n, Kind.INVALID_VOICE);
        default -> {
          switch ((int) (n % 3)) {
            case 0 -> converse(n);
            case 1 -> submit(n, Kind.SUBMIT_SPEECH);
            default -> submit(n, Kind.SUBMIT_TEXT);
          }
        }
      }
    } catch (RuntimeException e) {
      // Not rethrown: an exception would silently end the periodic task, and with it the load.
      harnessErrors.incrementAndGet();
      e.printStackTrace();
    }
  }

  /** Exceptions in the load generator itself (a bug in the test, not in the system). */
  long harnessErrors() {
    return harnessErrors.get();
  }

  private int index(int gateway) {
    return Math.floorMod(gateway, gateways.size());
  }

  private AssistantGrpc.AssistantStub stub(int gateway) {
    return AssistantGrpc.newStub(gateways.get(index(gateway)));
  }

  /** How the ledger counts submissions refused at the door, as they should be. */
  static final String DOOR_REFUSAL = "INVALID_ARGUMENT(options.voice)";

  private static RequestOptions.Builder options() {
    return RequestOptions.newBuilder().setMaxTokens(MAX_TOKENS);
  }

  /** Options of a request with speech: the recognizer's language is fixed, not detected. */
  private static RequestOptions.Builder speechOptions() {
    return options().setLanguage("en");
  }

  // --- Submit, then Watch ------------------------------------------------------------------------

  private void submit(long n, Kind kind) {
    String id = "chaos-" + runId + "-" + n + "-" + kind.name().toLowerCase();
    AskRequest.Builder r =
        AskRequest.newBuilder().setRequestId(id).setPrompt("Question number " + n + ", please.");
    RequestOptions.Builder options = kind == Kind.SUBMIT_SPEECH ? speechOptions() : options();
    switch (kind) {
      case SUBMIT_SPEECH ->
          r.setAudio(
              AudioInput.newBuilder()
                  .setEncoding(AudioEncoding.AUDIO_ENCODING_WAV)
                  .setData(ByteString.copyFrom(TestInputs.wav(speech))));
      case INVALID_AUDIO ->
          r.setAudio(
              AudioInput.newBuilder()
                  .setEncoding(AudioEncoding.AUDIO_ENCODING_FLAC)
                  .setData(ByteString.copyFrom(TestInputs.corruptFlac(n))));
      case INVALID_IMAGE ->
          r.setImage(Image.newBuilder().setData(ByteString.copyFrom(truncatedPng)));
      case INVALID_VOICE -> options.setVoice("no-such-voice");
      default -> {}
    }
    r.setOptions(options);
    submit(id, kind, SubmitRequest.newBuilder().setRequest(r).build(), (int) n, 0);
  }

  private void submit(String id, Kind kind, SubmitRequest request, int gateway, int attempt) {
    if (closed) {
      return;
    }
    stub(gateway + attempt)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .submit(
            request,
            new StreamObserver<>() {
              @Override
              public void onNext(SubmitResponse value) {}

              @Override
              public void onError(Throwable t) {
                Status.Code code = Status.fromThrowable(t).getCode();
                if (RETRIABLE.contains(code)) {
                  scheduler.schedule(
                      () -> submit(id, kind, request, gateway, attempt + 1),
                      backoff(attempt),
                      TimeUnit.MILLISECONDS);
                } else if (kind.refusedAtTheDoor()
                    && code == Status.Code.INVALID_ARGUMENT
                    && String.valueOf(Status.fromThrowable(t).getDescription())
                        .startsWith("options.voice")) {
                  ledger.refused(DOOR_REFUSAL);
                  release(id);
                } else {
                  ledger.refused(code);
                  release(id);
                }
              }

              @Override
              public void onCompleted() {
                follow(ledger.open(id, kind), gateway + attempt, id);
              }
            });
  }

  private static long backoff(int attempt) {
    return Math.min(2000, 200L * (1L << Math.min(attempt, 4)));
  }

  /**
   * Reads a request's events from the last one received; resumes elsewhere if the call breaks.
   * {@code ticket} names the request's place in the bounded load, freed once it has ended.
   */
  private void follow(Entry entry, int gateway, String ticket) {
    if (closed) {
      return;
    }
    entry.streamOpened(index(gateway));
    stub(gateway)
        .withDeadlineAfter(120, TimeUnit.SECONDS)
        .watch(
            WatchRequest.newBuilder()
                .setRequestId(entry.id)
                .setFromSequence(entry.lastSequence() + 1)
                .build(),
            new StreamObserver<>() {
              @Override
              public void onNext(Event e) {
                entry.record(e);
              }

              @Override
              public void onError(Throwable t) {
                streamEnded(entry, gateway, ticket);
              }

              @Override
              public void onCompleted() {
                streamEnded(entry, gateway, ticket);
              }
            });
  }

  /** A stream of the request ended: done if it carried the terminal event, else resume. */
  private void streamEnded(Entry entry, int gateway, String ticket) {
    if (entry.finished()) {
      release(ticket);
    } else {
      scheduler.schedule(
          () -> follow(entry, gateway + 1, ticket),
          backoff(entry.streams()),
          TimeUnit.MILLISECONDS);
    }
  }

  // --- Converse ----------------------------------------------------------------------------------

  private void converse(long n) {
    int gateway = (int) n;
    String ticket = "converse-" + n;
    StreamObserver<ConverseRequest> call =
        stub(gateway)
            .withDeadlineAfter(120, TimeUnit.SECONDS)
            .converse(
                new StreamObserver<>() {
                  private Entry entry;

                  @Override
                  public void onNext(Event e) {
                    if (entry == null) {
                      entry = ledger.open(e.getRequestId(), Kind.CONVERSE);
                      entry.streamOpened(index(gateway));
                    }
                    entry.record(e);
                  }

                  @Override
                  public void onError(Throwable t) {
                    if (entry == null) {
                      ledger.refused(Status.fromThrowable(t).getCode());
                      release(ticket);
                    } else {
                      streamEnded(entry, gateway, ticket);
                    }
                  }

                  @Override
                  public void onCompleted() {
                    if (entry == null) {
                      ledger.refused(Status.Code.UNKNOWN); // ended without saying anything
                      release(ticket);
                    } else {
                      streamEnded(entry, gateway, ticket);
                    }
                  }
                });
    call.onNext(
        ConverseRequest.newBuilder()
            .setHeader(
                ConverseHeader.newBuilder()
                    .setPrompt("Spoken question " + n + ".")
                    .setOptions(speechOptions())
                    .setAudioEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
                    .setSampleRate(TestInputs.RATE)
                    .setChannels(1))
            .build());
    int chunk = 8000;
    for (int off = 0; off < speech.length; off += chunk) {
      call.onNext(
          ConverseRequest.newBuilder()
              .setAudio(
                  ConverseAudio.newBuilder()
                      .setData(
                          ByteString.copyFrom(speech, off, Math.min(chunk, speech.length - off))))
              .build());
    }
    call.onNext(ConverseRequest.newBuilder().setEnd(ConverseEnd.getDefaultInstance()).build());
    call.onCompleted();
  }

  /** Frees the request's place in the bounded load, once. */
  private void release(String key) {
    if (released.add(key)) {
      open.release();
    }
  }

  @Override
  public void close() {
    closed = true;
    stopSending();
    scheduler.shutdownNow();
  }
}
