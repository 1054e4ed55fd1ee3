package dev.switchboard.rpc;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;

/**
 * "Explain this call": on request, a Switchboard client logs why each attempt of a call went
 * where it went, one structured line per attempt, and the server that served it names itself in
 * a trailer.
 *
 * <pre>{@code
 * Explain.on(greeter).sayHello(request);                   // this stub's calls
 * Explain.context().run(() -> greeter.sayHello(request));  // every call made in this scope
 * }</pre>
 *
 * <p>An explained call's client logs, for each attempt, at INFO on the logger {@value #LOGGER}:
 *
 * <pre>
 * EXPLAIN helloworld.Greeter/SayHello attempt=2 balancer=switchboard_peak_ewma
 *   picked=10.0.0.7-50051-k3bq9xzd
 *   candidates=[10.0.0.7-50051-k3bq9xzd cost=0.31ms inflight=0, 10.0.0.8-50051-p2m7vc4a cost=1.20ms inflight=1]
 *   excluded=[10.0.0.9-50051-t5w8hj2n: ejected] failover=untried_instance
 *   budget=9.4 status=OK served_by=10.0.0.7-50051-k3bq9xzd took=0.42ms
 * </pre>
 *
 * <p>(one line; wrapped here). {@code balancer} is the reference's policy; {@code picked} the
 * instance the balancer chose (its registry id, else its address; {@code unknown} under a
 * balancer that does not explain itself, such as gRPC's own); then the balancer's own facts
 * (see {@link Explanation}); {@code budget} the retries the channel's retry budget holds after
 * the attempt; {@code status} the attempt's status code; {@code served_by} what the server said
 * in its {@value #PICKED_TRAILER_NAME} trailer ({@code -} if it said nothing); {@code took} the
 * attempt's time from stream start to close. Neither the hash key nor any message or status
 * description is printed.
 *
 * <p><b>Turning it on</b>, per call:
 *
 * <ul>
 *   <li>{@link #CALL_OPTION} on the stub ({@link #on(AbstractStub)}); {@code false} there turns
 *       it off even inside an explained context;
 *   <li>{@link #CONTEXT_KEY} in the current {@link Context} ({@link #context()}): every call made
 *       in that scope, including downstream calls of a request handler;
 *   <li>a {@value #HEADER_NAME}{@code : 1} request header: an {@link RpcServer} that receives it
 *       answers with the trailer and runs the handler with {@link #CONTEXT_KEY} set, so the
 *       server's own outgoing Switchboard calls are explained too. A foreign (plain gRPC) caller
 *       can send it to learn which instance served it.
 * </ul>
 *
 * <p>An explained call carries the header to the server; the server answers with
 * {@value #PICKED_TRAILER_NAME}{@code : <instance id>} (its registry id, or {@code host:port}
 * when it registers nowhere). The trailer reaches the caller as any trailer does (for example
 * through {@code MetadataUtils.newCaptureMetadataInterceptor}, or
 * {@code StatusRuntimeException.getTrailers()}); {@link #pickedBy(Metadata)} reads it.
 *
 * <p><b>Cost and limits.</b> Off by default; when off, a call costs one call-option and one
 * context lookup in the client interceptor and one call-option lookup per pick, and allocates
 * nothing. When on, each {@code RpcClient} explains at most {@value #MAX_CALLS_PER_SECOND} calls a
 * second (a token bucket of that size, refilled at that rate, on the client's nano clock); calls
 * beyond that behave exactly as if explain were off: no line, no header, so no trailer. The
 * server side is not limited: it only adds a trailer. Only stubs from {@code RpcClient} are
 * explained (not {@code RpcClient.channel(...)}, which has no interceptors).
 *
 * <p><b>Traces.</b> When the span current at the call ({@code Span.current()} on the calling
 * thread) is recording, each attempt's facts are also added to it as an event named
 * {@value #SPAN_EVENT} with attributes {@code switchboard.explain.<fact>}. That span is the
 * caller's, the parent of gRPC's client call span: grpc-opentelemetry creates its call and attempt
 * spans below Switchboard's interceptors and does not make them current, so neither the picker
 * nor the interceptor can reach them.
 *
 * <p>Constants and stateless helpers only; thread-safe.
 */
public final class Explain {

  /**
   * Turns explain on ({@code true}) or off ({@code false}) for calls with these options; unset,
   * the {@link #CONTEXT_KEY} of the calling context decides.
   */
  public static final CallOptions.Key<Boolean> CALL_OPTION =
      CallOptions.Key.create("switchboard.explain");

  /** Turns explain on for the calls made in a context that holds {@code true}. */
  public static final Context.Key<Boolean> CONTEXT_KEY =
      Context.keyWithDefault("switchboard.explain", Boolean.FALSE);

  /** The request header an explained call carries: {@code switchboard-explain: 1}. */
  public static final String HEADER_NAME = "switchboard-explain";

  /** {@link #HEADER_NAME} as a metadata key. */
  public static final Metadata.Key<String> HEADER =
      Metadata.Key.of(HEADER_NAME, Metadata.ASCII_STRING_MARSHALLER);

  /** The trailer with which a server that was asked names the instance that served the call. */
  public static final String PICKED_TRAILER_NAME = "switchboard-picked";

  /** {@link #PICKED_TRAILER_NAME} as a metadata key. */
  public static final Metadata.Key<String> PICKED_TRAILER =
      Metadata.Key.of(PICKED_TRAILER_NAME, Metadata.ASCII_STRING_MARSHALLER);

  /** The SLF4J logger the explanations go to, at INFO. */
  public static final String LOGGER = "dev.switchboard.explain";

  /** The name of the span event each explained attempt adds to the caller's span. */
  public static final String SPAN_EVENT = "switchboard.explain";

  /** How many calls a second each {@code RpcClient} explains at most. */
  public static final int MAX_CALLS_PER_SECOND = 10;

  private Explain() {}

  /** Returns {@code stub} with explain on for its calls. */
  public static <S extends AbstractStub<S>> S on(S stub) {
    return stub.withOption(CALL_OPTION, Boolean.TRUE);
  }

  /** Returns the current context with explain on: calls made within it are explained. */
  public static Context context() {
    return Context.current().withValue(CONTEXT_KEY, Boolean.TRUE);
  }

  /**
   * Returns whether a call with {@code options}, made in the current context, asks to be
   * explained (before the rate limit). No allocation.
   */
  public static boolean requested(CallOptions options) {
    Boolean option = options.getOption(CALL_OPTION);
    return option != null ? option : CONTEXT_KEY.get();
  }

  /** Returns the instance a server named in {@code trailers}, or {@code null} if none did. */
  public static String pickedBy(Metadata trailers) {
    return trailers == null ? null : trailers.get(PICKED_TRAILER);
  }
}
