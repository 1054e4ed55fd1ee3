package dev.switchboard.rpc.internal;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * Puts the current trace into SLF4J's MDC ({@value #TRACE_ID} and {@value #SPAN_ID}) while a
 * server call's handler runs, so that every line the handler logs names its trace. Installed
 * inside gRPC's tracing interceptor, whose span is current in each callback; the MDC entries the
 * thread had before are restored afterwards. Stateless; thread-safe.
 */
public final class TraceLogContext implements ServerInterceptor {
  /** The MDC key of the trace id (32 hex digits), as OpenTelemetry's log bridges name it. */
  public static final String TRACE_ID = "trace_id";
  /** The MDC key of the span id (16 hex digits). */
  public static final String SPAN_ID = "span_id";

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        next.startCall(call, headers)) {
      @Override
      public void onMessage(Q message) {
        String[] saved = enter();
        try {
          super.onMessage(message);
        } finally {
          leave(saved);
        }
      }

      @Override
      public void onHalfClose() {
        String[] saved = enter();
        try {
          super.onHalfClose();
        } finally {
          leave(saved);
        }
      }

      @Override
      public void onCancel() {
        String[] saved = enter();
        try {
          super.onCancel();
        } finally {
          leave(saved);
        }
      }

      @Override
      public void onComplete() {
        String[] saved = enter();
        try {
          super.onComplete();
        } finally {
          leave(saved);
        }
      }

      @Override
      public void onReady() {
        String[] saved = enter();
        try {
          super.onReady();
        } finally {
          leave(saved);
        }
      }
    };
  }

  // Returns the entries the thread had, or null when there is no trace to name.
  private static String[] enter() {
    SpanContext span = Span.current().getSpanContext();
    if (!span.isValid()) {
      return null;
    }
    String[] saved = {MDC.get(TRACE_ID), MDC.get(SPAN_ID)};
    MDC.put(TRACE_ID, span.getTraceId());
    MDC.put(SPAN_ID, span.getSpanId());
    return saved;
  }

  private static void leave(String[] saved) {
    if (saved == null) {
      return;
    }
    restore(TRACE_ID, saved[0]);
    restore(SPAN_ID, saved[1]);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
