package dev.assistant.cli.testing;

import com.google.protobuf.Duration;
import dev.assistant.api.v1.Accepted;
import dev.assistant.api.v1.Answer;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.Completed;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.Stage;
import dev.assistant.api.v1.StageTiming;
import dev.assistant.api.v1.SubmitRequest;
import dev.assistant.api.v1.SubmitResponse;
import dev.assistant.api.v1.WatchRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the gateway's {@code Submit} and {@code Watch}, for tests and benchmarks of the
 * command line's own behaviour: it refuses the first {@code refusals} Submits with
 * RESOURCE_EXHAUSTED and a {@code retry-after-ms} trailer (as the gateway's admission does), then
 * accepts every request and answers its Watch at once with accepted, answer and completed. It keeps
 * no per-request state unless asked to record the Submits it saw.
 */
public final class GatewayDouble extends AssistantGrpc.AssistantImplBase {
  public static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  /** One Submit call as the server saw it. */
  public record SubmitCall(String requestId, long atNanos, boolean refused) {}

  private final AtomicInteger refusalsLeft;
  private final long retryAfterMs;
  private final boolean record;
  private final List<SubmitCall> submits = new CopyOnWriteArrayList<>();

  public GatewayDouble(int refusals, long retryAfterMs, boolean record) {
    this.refusalsLeft = new AtomicInteger(refusals);
    this.retryAfterMs = retryAfterMs;
    this.record = record;
  }

  /** Every Submit seen, in arrival order (only when recording). */
  public List<SubmitCall> submits() {
    return submits;
  }

  @Override
  public void submit(SubmitRequest request, StreamObserver<SubmitResponse> response) {
    String id = request.getRequest().getRequestId();
    boolean refuse = refusalsLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    if (record) {
      submits.add(new SubmitCall(id, System.nanoTime(), refuse));
    }
    if (refuse) {
      Metadata trailers = new Metadata();
      trailers.put(RETRY_AFTER, Long.toString(retryAfterMs));
      response.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription("llm stage lag 250 records exceeds 200; retry later")
              .asRuntimeException(trailers));
      return;
    }
    response.onNext(SubmitResponse.newBuilder().setRequestId(id).build());
    response.onCompleted();
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<Event> events) {
    String id = request.getRequestId();
    Event[] all = {
      Event.newBuilder()
          .setStage(Stage.STAGE_GATEWAY)
          .setAccepted(Accepted.getDefaultInstance())
          .build(),
      Event.newBuilder()
          .setStage(Stage.STAGE_LLM)
          .setAnswer(Answer.newBuilder().setText("answer to " + id).setFinishReason("stop"))
          .build(),
      Event.newBuilder()
          .setStage(Stage.STAGE_GATEWAY)
          .setCompleted(
              Completed.newBuilder()
                  .addTimings(
                      StageTiming.newBuilder()
                          .setStage(Stage.STAGE_LLM)
                          .setProcessing(Duration.newBuilder().setNanos(1_000_000)))
                  .setTotal(Duration.newBuilder().setNanos(2_000_000)))
          .build()
    };
    for (int i = (int) Math.max(0, request.getFromSequence() - 1); i < all.length; i++) {
      events.onNext(all[i].toBuilder().setRequestId(id).setSequence(i + 1).build());
    }
    events.onCompleted();
  }
}
