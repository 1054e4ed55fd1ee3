package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.HashKeys;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

/** Copies {@link HashKeys#CONTEXT} onto calls without {@link HashKeys#CALL_OPTION}. Stateless. */
public final class ContextHashKeyInterceptor implements ClientInterceptor {
  public static final ContextHashKeyInterceptor INSTANCE = new ContextHashKeyInterceptor();

  private ContextHashKeyInterceptor() {}

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    if (options.getOption(HashKeys.CALL_OPTION) == null) {
      String key = HashKeys.CONTEXT.get();
      if (key != null) {
        options = options.withOption(HashKeys.CALL_OPTION, key);
      }
    }
    return next.newCall(method, options);
  }
}
