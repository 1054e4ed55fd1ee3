package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.Explain;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.function.Supplier;

/**
 * The server side of {@link Explain}: a call whose headers carry {@code switchboard-explain: 1}
 * is answered with the trailer {@code switchboard-picked: <instance id>} (whatever its status),
 * and its handler runs with {@link Explain#CONTEXT_KEY} set, so that the Switchboard calls it
 * makes are explained too. Other calls pass through after one header lookup. Installed by
 * {@code RpcServer} for every service. Immutable and thread-safe.
 */
public final class ExplainServerInterceptor implements ServerInterceptor {
  private final Supplier<String> instanceId;

  /** Names the instance by {@code instanceId} (read at each explained call's close). */
  public ExplainServerInterceptor(Supplier<String> instanceId) {
    this.instanceId = instanceId;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!"1".equals(headers.get(Explain.HEADER))) {
      return next.startCall(call, headers);
    }
    ServerCall<Q, R> naming = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        String id = instanceId.get();
        if (id != null) {
          trailers.discardAll(Explain.PICKED_TRAILER);
          trailers.put(Explain.PICKED_TRAILER, id);
        }
        super.close(status, trailers);
      }
    };
    Context explained = Context.current().withValue(Explain.CONTEXT_KEY, Boolean.TRUE);
    return Contexts.interceptCall(explained, naming, headers, next);
  }
}
