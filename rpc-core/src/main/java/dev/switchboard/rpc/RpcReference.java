package dev.switchboard.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field that {@link RpcClient#inject(Object)} fills with a generated gRPC stub whose
 * channel discovers the service's instances from the client's registry.
 *
 * <p>The field's type must be a generated blocking, future or async stub:
 *
 * <pre>{@code
 * @RpcReference(deadline = "800ms")
 * private GreeterGrpc.GreeterBlockingStub greeter;
 * }</pre>
 *
 * <p>On a constructor or method parameter it is read by the Spring Boot starter, which fills such
 * parameters of its beans the same way; {@link RpcClient#inject(Object)} fills fields only.
 *
 * <p>Every attribute left at its default falls back to the {@link RpcClient}'s defaults. The
 * annotation is read once, into a {@link ReferenceConfig}; invalid values fail {@code inject} with
 * a message naming the field.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
public @interface RpcReference {

  /**
   * The registered service name. Empty (the default) means the name in the stub's generated
   * {@code *Grpc} class, e.g. {@code helloworld.Greeter}.
   */
  String service() default "";

  /**
   * The gRPC load-balancing policy name, e.g. {@code switchboard_weighted_round_robin}. Empty means
   * the client's default.
   */
  String balancer() default "";

  /**
   * The default deadline for calls that carry none of their own, as {@code 250ms}, {@code 2s},
   * {@code 1m} or ISO-8601 ({@code PT2S}). Empty means the client's default. A shorter deadline
   * set by the caller, or inherited from the call being served, always wins.
   */
  String deadline() default "";

  /**
   * The balancer's settings as {@code key=value} entries (nested keys with dots), handed to the
   * balancer named by {@link #balancer()}, which validates them. For Switchboard's balancers,
   * e.g. {@code {"hashHeader=x-user-id", "loadFactor=1.25"}}, {@code {"warmUp=60s"}},
   * {@code {"decayWindow=5s"}}, {@code {"failureAccrual.consecutiveFailures=3"}} or
   * {@code {"failureAccrual=false"}}; see {@code docs/balancers.md}.
   */
  String[] balancerSettings() default {};

  /**
   * For consistent hashing: the request field (protobuf field name) whose value is the hash key,
   * for unary and server-streaming methods; a key set explicitly or in the balancer's hash header
   * comes first.
   */
  String hashField() default "";

  /** Wraps the balancer in gRPC's outlier detection with {@link OutlierDetection#DEFAULTS}. */
  boolean ejectOutliers() default false;

  /**
   * Connects to at most this many of the service's instances (subsetting, see
   * {@link ReferenceConfig.Builder#subsetSize(int)}); 0 (the default) for all.
   */
  int subsetSize() default 0;

  /**
   * Attempts in all for every method, retrying on {@link #retryOn()} with gRPC's default backoff
   * (50 ms doubling up to 1 s); 1 (the default) for no retry, at most 5. Retries go to instances
   * not tried yet, within the channel's retry budget.
   */
  int maxAttempts() default 1;

  /** The status code names retried (e.g. {@code "UNAVAILABLE"}); UNAVAILABLE by default. */
  String[] retryOn() default {"UNAVAILABLE"};

  /**
   * The fallback object's class: an implementation of the same gRPC service with a no-argument
   * constructor, answering calls that fail with UNAVAILABLE or DEADLINE_EXCEEDED.
   * {@code Void.class} (the default) for none.
   */
  Class<?> fallback() default Void.class;

  /** Per-method policies, overriding the values above for the methods they name. */
  RpcMethod[] methods() default {};
}
