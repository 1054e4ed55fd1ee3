package dev.switchboard.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a gRPC service implementation to be exposed by an {@link RpcServer} and registered in its
 * registry.
 *
 * <p>The class must extend a generated {@code *ImplBase} or implement a generated
 * {@code *AsyncService} interface:
 *
 * <pre>{@code
 * @RpcService(weight = 200, zone = "eu-west-1a", version = "1.4.0")
 * final class GreeterImpl extends GreeterGrpc.GreeterImplBase { ... }
 * }</pre>
 *
 * <p>{@link RpcServer.Builder#addService(Object)} reads this annotation; a class without it is
 * exposed with the defaults below.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcService {

  /**
   * The name consumers discover this service by. Empty (the default) means the full name from the
   * service descriptor, e.g. {@code helloworld.Greeter}.
   */
  String name() default "";

  /** The service version published with the instance, e.g. {@code 1.4.0}; empty for none. */
  String version() default "";

  /** A group that partitions instances of one service (e.g. {@code canary}); empty for none. */
  String group() default "";

  /**
   * The relative share of traffic this instance should receive, from {@value ServiceWeights#MIN}
   * to {@value ServiceWeights#MAX}; {@value ServiceWeights#DEFAULT} by default.
   */
  int weight() default ServiceWeights.DEFAULT;

  /** The zone (availability zone, rack) the instance runs in; empty for unknown. */
  String zone() default "";

  /** Free-form metadata as {@code key=value} pairs, published with the instance. */
  String[] metadata() default {};
}
