package dev.switchboard.rpc.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Gives a call the default deadline when it has none of its own: neither on its call options nor
 * inherited from the current {@link Context} (the call being served). A shorter caller deadline
 * therefore always wins, and gRPC itself takes the earlier of options and context deadlines.
 * Immutable.
 */
public final class DefaultDeadlineInterceptor implements ClientInterceptor {
  private final long nanos;

  /** Applies {@code deadline} to calls without one. */
  public DefaultDeadlineInterceptor(Duration deadline) {
    this.nanos = deadline.toNanos();
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    if (options.getDeadline() == null && Context.current().getDeadline() == null) {
      options = options.withDeadlineAfter(nanos, TimeUnit.NANOSECONDS);
    }
    return next.newCall(method, options);
  }
}
