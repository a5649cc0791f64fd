package dev.assistant.gateway.web;

import dev.assistant.api.v1.Accepted;
import dev.assistant.api.v1.AnswerDelta;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.CancelRequest;
import dev.assistant.api.v1.CancelResponse;
import dev.assistant.api.v1.Completed;
import dev.assistant.api.v1.ConverseRequest;
import dev.assistant.api.v1.Event;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for the gateway's API on an in-process server: it records what a Converse call sent
 * and answers like the real one (Accepted once the call has audio or needs none, an answer and
 * Completed after the end marker), or refuses the header when told to.
 */
final class FakeAssistant extends AssistantGrpc.AssistantImplBase implements AutoCloseable {
  final List<ConverseRequest> received = new CopyOnWriteArrayList<>();
  final List<String> cancelled = new CopyOnWriteArrayList<>();
  final CountDownLatch callEnded = new CountDownLatch(1);
  volatile Status refuseHeader;
  volatile int extraEvents;
  volatile Throwable clientError;

  private final String name = "fake-" + UUID.randomUUID();
  private final Server server;
  final ManagedChannel channel;

  FakeAssistant() throws IOException {
    server = InProcessServerBuilder.forName(name).addService(this).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @Override
  public StreamObserver<ConverseRequest> converse(StreamObserver<Event> responses) {
    return new StreamObserver<>() {
      long sequence;
      boolean accepted;
      boolean awaitingHalfClose;

      @Override
      public void onNext(ConverseRequest r) {
        received.add(r);
        if (r.hasHeader() && refuseHeader != null) {
          responses.onError(refuseHeader.asRuntimeException());
          return;
        }
        if (!accepted && (r.hasAudio() || r.getHeader().getNoAudio())) {
          accepted = true;
          send(Event.newBuilder().setAccepted(Accepted.getDefaultInstance()));
          for (int i = 0; i < extraEvents; i++) {
            send(Event.newBuilder().setAnswerDelta(AnswerDelta.newBuilder().setText("x")));
          }
        }
        if (r.hasEnd() || (r.hasHeader() && r.getHeader().getNoAudio())) {
          send(Event.newBuilder().setAnswerDelta(AnswerDelta.newBuilder().setText("hi")));
          send(Event.newBuilder().setCompleted(Completed.getDefaultInstance()));
          if (r.hasHeader()) {
            // A text turn closes its side right after the header. Ending the call before that
            // half-close arrives would drop it, and the test could not see it: wait for it.
            awaitingHalfClose = true;
          } else {
            responses.onCompleted();
          }
        }
      }

      private void send(Event.Builder e) {
        responses.onNext(e.setRequestId("req-1").setSequence(++sequence).build());
      }

      @Override
      public void onError(Throwable t) {
        clientError = t;
        callEnded.countDown();
      }

      @Override
      public void onCompleted() {
        callEnded.countDown();
        if (awaitingHalfClose) {
          responses.onCompleted();
        }
      }
    };
  }

  @Override
  public void cancel(CancelRequest request, StreamObserver<CancelResponse> responses) {
    cancelled.add(request.getRequestId());
    responses.onNext(
        CancelResponse.newBuilder()
            .setRequestId(request.getRequestId())
            .setWasRunning(true)
            .build());
    responses.onCompleted();
  }

  AssistantGrpc.AssistantStub stub() {
    return AssistantGrpc.newStub(channel);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
  }
}
