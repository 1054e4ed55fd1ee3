package dev.switchboard.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The policy of one method of an {@link RpcReference}, e.g.:
 *
 * <pre>{@code
 * @RpcReference(methods = @RpcMethod(name = "GetPrice", deadline = "300ms", idempotent = true,
 *     maxAttempts = 3, retryOn = {"UNAVAILABLE", "DEADLINE_EXCEEDED"}, cacheable = true))
 * PricingGrpc.PricingFutureStub pricing;
 * }</pre>
 *
 * <p>Read into a {@link MethodPolicy}; invalid values fail {@code RpcClient.inject} with a message
 * naming the field and the method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface RpcMethod {

  /** The method's name as in the .proto file, e.g. {@code SayHello}. */
  String name();

  /** The default deadline ({@code 250ms}, {@code 2s}, ISO-8601); empty for the reference's. */
  String deadline() default "";

  /** Whether executing the method twice is harmless (allows hedging and DEADLINE_EXCEEDED retries). */
  boolean idempotent() default false;

  /** Attempts in all; 0 (the default) for the reference's setting, 1 for no retry. */
  int maxAttempts() default 0;

  /** The status code names retried; empty for the reference's. */
  String[] retryOn() default {};

  /** Hedge after this delay ({@code 100ms}); empty for no hedging. Needs {@link #idempotent()}. */
  String hedgingDelay() default "";

  /** Whether a failed call may be answered with the last good response to an equal request. */
  boolean cacheable() default false;
}
