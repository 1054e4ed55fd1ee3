package dev.switchboard.rpc;

import dev.switchboard.rpc.internal.ContextHashKeyInterceptor;
import dev.switchboard.rpc.internal.RequestFieldHashKeyInterceptor;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.stub.AbstractStub;

/**
 * The request key that consistent-hash balancing maps to an instance, so that calls with the same
 * key go to the same instance (cache affinity, sessions).
 *
 * <p>A balancer looks for the key, in order: on the call's options ({@link #CALL_OPTION}, set by
 * {@link #withHashKey(AbstractStub, String)} or copied from the {@link Context} by
 * {@link #contextInterceptor()}); in a configured metadata header; on {@link #FIELD_OPTION}, set
 * from a field of the request message by {@link #requestFieldInterceptor(String)}; else the call
 * has no affinity.
 *
 * <pre>{@code
 * greeter = HashKeys.withHashKey(greeter, userId);          // per stub
 * HashKeys.withHashKey(userId).run(() -> greeter.sayHello(request));  // per scope
 * }</pre>
 *
 * <p>{@code RpcClient} stubs install {@link #contextInterceptor()} (and the request-field one when
 * configured); plain grpc-java channels add them with {@code ClientInterceptors.intercept}.
 */
public final class HashKeys {

  /** The key on a call's options. */
  public static final CallOptions.Key<String> CALL_OPTION =
      CallOptions.Key.create("switchboard.hashKey");

  /**
   * The key taken from the request message by {@link #requestFieldInterceptor(String)}; balancers
   * consult it after {@link #CALL_OPTION} and the configured header.
   */
  public static final CallOptions.Key<String> FIELD_OPTION =
      CallOptions.Key.create("switchboard.hashKey.field");

  /** The key in the current context; copied onto calls by {@link #contextInterceptor()}. */
  public static final Context.Key<String> CONTEXT = Context.key("switchboard.hashKey");

  private HashKeys() {}

  /** Returns {@code stub} with every call carrying {@code key}. */
  public static <S extends AbstractStub<S>> S withHashKey(S stub, String key) {
    return stub.withOption(CALL_OPTION, key);
  }

  /** Returns the current context with {@code key}; calls made within it carry the key. */
  public static Context withHashKey(String key) {
    return Context.current().withValue(CONTEXT, key);
  }

  /** Returns an interceptor that copies the context's key onto calls that carry none. */
  public static ClientInterceptor contextInterceptor() {
    return ContextHashKeyInterceptor.INSTANCE;
  }

  /**
   * Returns an interceptor that takes the key from the field {@code fieldName} of the request
   * message (protobuf), for unary and server-streaming calls: the call's start is deferred until
   * its message is sent, which the caller does not notice. Other calls pass through unchanged.
   */
  public static ClientInterceptor requestFieldInterceptor(String fieldName) {
    return new RequestFieldHashKeyInterceptor(fieldName);
  }
}
