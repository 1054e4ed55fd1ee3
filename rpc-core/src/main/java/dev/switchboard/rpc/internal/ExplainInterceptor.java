package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.Explain;
import dev.switchboard.rpc.Explanation;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Explains the calls that ask for it ({@link Explain}): when {@link Explain#requested} and the
 * client's {@link ExplainLimiter} allows, it attaches an {@link Explanation} for the balancers to
 * write to, sends {@code switchboard-explain: 1}, and adds a stream tracer that, when each attempt
 * ends, records the retry budget left, the status and the server's {@code switchboard-picked}
 * trailer, logs the attempt's line at INFO on {@value Explain#LOGGER} and adds it as an event to
 * the span that was current when the call was made (if that span records). Every other call
 * passes through with one option lookup and one context lookup, allocating nothing.
 *
 * <p>Immutable and thread-safe; the per-call tracer is thread-safe too.
 */
public final class ExplainInterceptor implements ClientInterceptor {
  private static final Logger logger = LoggerFactory.getLogger(Explain.LOGGER);
  private static final int MAX_SERVED_BY = 128;

  private final String balancer;
  private final RetryBudgetTracker budget;
  private final ExplainLimiter limiter;

  /**
   * Explains calls through the policy {@code balancer}, reporting the balance of {@code budget},
   * at most as often as {@code limiter} allows.
   */
  public ExplainInterceptor(String balancer, RetryBudgetTracker budget, ExplainLimiter limiter) {
    this.balancer = balancer;
    this.budget = budget;
    this.limiter = limiter;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    if (!Explain.requested(options) || !limiter.tryAcquire()) {
      return next.newCall(method, options);
    }
    Explanation explanation = new Explanation(method.getFullMethodName(), balancer);
    Span span = Span.current();
    CallOptions explained = options.withOption(Explanation.KEY, explanation)
        .withStreamTracerFactory(new AttemptTracers(explanation, span.isRecording() ? span : null));
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, explained)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        headers.discardAll(Explain.HEADER);
        headers.put(Explain.HEADER, "1");
        super.start(listener, headers);
      }
    };
  }

  /** One tracer per attempt (stream) of an explained call. */
  private final class AttemptTracers extends ClientStreamTracer.Factory {
    private final Explanation explanation;
    private final Span span;

    AttemptTracers(Explanation explanation, Span span) {
      this.explanation = explanation;
      this.span = span;
    }

    @Override
    public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info,
        Metadata headers) {
      return new AttemptTracer(explanation.method(),
          explanation.attempt(info.getPreviousAttempts() + 1), info.isTransparentRetry(), span);
    }
  }

  /** Ends one attempt's explanation: outcome facts, the log line, the span event. */
  private final class AttemptTracer extends ClientStreamTracer {
    private final String method;
    private final Explanation.Attempt attempt;
    private final boolean transparentRetry;
    private final Span span;
    private volatile long startNanos;
    private volatile boolean created;
    private volatile String servedBy;

    AttemptTracer(String method, Explanation.Attempt attempt, boolean transparentRetry,
        Span span) {
      this.method = method;
      this.attempt = attempt;
      this.transparentRetry = transparentRetry;
      this.span = span;
    }

    @Override
    public void streamCreated(io.grpc.Attributes transportAttrs, Metadata headers) {
      startNanos = budget.nanoTime();
      created = true;
    }

    @Override
    public void inboundTrailers(Metadata trailers) {
      servedBy = trailers.get(Explain.PICKED_TRAILER);
    }

    @Override
    public void streamClosed(Status status) {
      if (transparentRetry) {
        attempt.fact("transparent_retry", "true");
      }
      attempt.fact("budget", String.format(Locale.ROOT, "%.1f", budget.balance()))
          .fact("status", status.getCode().name())
          .fact("served_by", sanitize(servedBy));
      if (created) {
        attempt.fact("took", String.format(Locale.ROOT, "%.2fms",
            (budget.nanoTime() - startNanos) / 1e6));
      }
      if (logger.isInfoEnabled()) {
        logger.info("{}", attempt.line());
      }
      if (span != null) {
        AttributesBuilder attributes = Attributes.builder()
            .put("switchboard.explain.method", method)
            .put("switchboard.explain.attempt", attempt.number())
            .put("switchboard.explain.balancer", balancer);
        String picked = attempt.picked();
        attributes.put("switchboard.explain.picked", picked == null ? "unknown" : picked);
        for (Map.Entry<String, String> fact : attempt.facts().entrySet()) {
          attributes.put("switchboard.explain." + fact.getKey(), fact.getValue());
        }
        span.addEvent(Explain.SPAN_EVENT, attributes.build());
      }
    }
  }

  // What a server put in its trailer goes into a log line: printable ASCII, no spaces, bounded.
  static String sanitize(String value) {
    if (value == null || value.isEmpty()) {
      return "-";
    }
    int length = Math.min(value.length(), MAX_SERVED_BY);
    StringBuilder clean = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      clean.append(c > ' ' && c < 0x7f ? c : '?');
    }
    return clean.toString();
  }
}
