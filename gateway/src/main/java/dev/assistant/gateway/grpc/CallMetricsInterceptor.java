package dev.assistant.gateway.grpc;

import dev.assistant.gateway.GatewayMetrics;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/** Counts calls by method and final status, and tracks open calls. */
public final class CallMetricsInterceptor implements ServerInterceptor {
  private final GatewayMetrics metrics = GatewayMetrics.get();

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    metrics.inflight.inc();
    ServerCall<Q, R> counted =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          private boolean closed;

          @Override
          public void close(Status status, Metadata trailers) {
            if (!closed) {
              closed = true;
              metrics.inflight.dec();
              metrics.calls.labelValues(method, status.getCode().name()).inc();
            }
            super.close(status, trailers);
          }
        };
    return next.startCall(counted, headers);
  }
}
