package dev.switchboard.rpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.switchboard.rpc.HashKeys;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the hash key of unary and server-streaming calls from a field of their request, deferring
 * the real call's start until the request is sent. Immutable; its calls are not thread-safe
 * beyond what {@link ClientCall} promises (cancel from any thread).
 */
public final class RequestFieldHashKeyInterceptor implements ClientInterceptor {
  private static final Logger logger =
      LoggerFactory.getLogger(RequestFieldHashKeyInterceptor.class);

  private final String fieldName;
  private final AtomicBoolean warned = new AtomicBoolean();

  /**
   * Takes keys from {@code fieldName} into {@link HashKeys#FIELD_OPTION}; balancers prefer an
   * explicit key and their configured header to it.
   */
  public RequestFieldHashKeyInterceptor(String fieldName) {
    if (fieldName == null || fieldName.isBlank()) {
      throw new IllegalArgumentException("hash field name is empty");
    }
    this.fieldName = fieldName;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    boolean singleRequest = method.getType() == MethodDescriptor.MethodType.UNARY
        || method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING;
    if (!singleRequest || options.getOption(HashKeys.CALL_OPTION) != null) {
      return next.newCall(method, options);
    }
    return new DeferredCall<>(method, options, next);
  }

  String keyOf(Object request, String method) {
    if (request instanceof Message message) {
      FieldDescriptor field = message.getDescriptorForType().findFieldByName(fieldName);
      if (field != null && !field.isRepeated() && !field.isMapField()) {
        Object value = message.getField(field);
        return value instanceof ByteString bytes
            ? Base64.getEncoder().encodeToString(bytes.toByteArray()) : String.valueOf(value);
      }
    }
    if (warned.compareAndSet(false, true)) {
      logger.warn("Hash field '{}' not found in the request of {}: such calls have no affinity",
          fieldName, method);
    }
    return null;
  }

  /** A call that starts its delegate when the request arrives, carrying the request's key. */
  private final class DeferredCall<Q, R> extends ClientCall<Q, R> {
    private final MethodDescriptor<Q, R> method;
    private final CallOptions options;
    private final Channel next;
    private Listener<R> listener;
    private Metadata headers;
    private int requested;
    private boolean halfClosed;
    private ClientCall<Q, R> delegate;
    private boolean cancelled;

    DeferredCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      this.method = method;
      this.options = options;
      this.next = next;
    }

    @Override
    public synchronized void start(Listener<R> responseListener, Metadata metadata) {
      listener = responseListener;
      headers = metadata;
    }

    @Override
    public synchronized void request(int count) {
      if (delegate != null) {
        delegate.request(count);
      } else {
        requested += count;
      }
    }

    @Override
    public synchronized void sendMessage(Q message) {
      if (cancelled) {
        return;
      }
      if (delegate == null) {
        String key = keyOf(message, method.getFullMethodName());
        delegate = next.newCall(method,
            key == null ? options : options.withOption(HashKeys.FIELD_OPTION, key));
        delegate.start(listener, headers);
        if (requested > 0) {
          delegate.request(requested);
        }
      }
      delegate.sendMessage(message);
      if (halfClosed) {
        delegate.halfClose();
      }
    }

    @Override
    public synchronized void halfClose() {
      if (delegate != null) {
        delegate.halfClose();
      } else {
        halfClosed = true;
      }
    }

    @Override
    public void cancel(String message, Throwable cause) {
      ClientCall<Q, R> started;
      Listener<R> waiting;
      synchronized (this) {
        started = delegate;
        waiting = listener;
        cancelled = true;
      }
      if (started != null) {
        started.cancel(message, cause);
      } else if (waiting != null) {
        waiting.onClose(Status.CANCELLED.withDescription(message).withCause(cause),
            new Metadata());
      }
    }

    @Override
    public synchronized boolean isReady() {
      return delegate != null && delegate.isReady();
    }

    @Override
    public synchronized void setMessageCompression(boolean enabled) {
      if (delegate != null) {
        delegate.setMessageCompression(enabled);
      }
    }

    @Override
    public synchronized Attributes getAttributes() {
      return delegate == null ? Attributes.EMPTY : delegate.getAttributes();
    }
  }
}
