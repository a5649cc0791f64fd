package dev.assistant.gateway.grpc;

import dev.assistant.gateway.GatewayMetrics;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts calls by method and final status, and tracks open calls.
 *
 * <p>A call ends either by the server closing it or by the client going away (its deadline passed,
 * it cancelled, its connection dropped); in the second case gRPC never calls {@code close} — the
 * listener hears {@code onCancel} instead. Both paths end the count, once.
 */
public final class CallMetricsInterceptor implements ServerInterceptor {
  private final GatewayMetrics metrics = GatewayMetrics.get();

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    AtomicBoolean ended = new AtomicBoolean();
    metrics.inflight.inc();
    ServerCall<Q, R> counted =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            end(ended, method, status.getCode());
            super.close(status, trailers);
          }
        };
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        next.startCall(counted, headers)) {
      @Override
      public void onCancel() {
        end(ended, method, Status.Code.CANCELLED);
        super.onCancel();
      }
    };
  }

  private void end(AtomicBoolean ended, String method, Status.Code code) {
    if (ended.compareAndSet(false, true)) {
      metrics.inflight.dec();
      metrics.calls.labelValues(method, code.name()).inc();
    }
  }
}
