package dev.switchboard.rpc.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.google.protobuf.MessageLite;
import dev.switchboard.rpc.Fallbacks;
import dev.switchboard.rpc.MethodPolicy;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The outermost interceptor: answers a unary or server-streaming call that failed with one of its
 * method's fallback codes, before any response message arrived, with (in order) the last good
 * response to an equal request (cacheable methods), the reference's fallback object (called
 * through the in-process transport, so every stub flavour gets it), or the method's fixed
 * response. The answer carries {@link Fallbacks#HEADER}; every fallback is counted and logged
 * (rate-limited). Calls that fail with other codes, or streams that already produced messages,
 * fail as they did. Immutable; its calls follow {@link ClientCall}'s threading rules.
 */
public final class FallbackInterceptor implements ClientInterceptor {
  private final MethodPolicies policies;
  private final Channel fallbackObject; // null if none
  private final Cache<CacheKey, Object> cache;
  private final FallbackStats stats;
  private final List<Metadata.Key<String>> identityHeaders;
  private final List<String> noIdentity; // the identity of a call without identity headers

  /**
   * What every fallback of one client shares: the cache of last good responses and the counts.
   *
   * @param cache the last good response per request
   * @param stats the fallback counts and their rate-limited log
   */
  public record Shared(Cache<CacheKey, Object> cache, FallbackStats stats,
      List<Metadata.Key<String>> identityHeaders) {
    public Shared {
      identityHeaders = List.copyOf(identityHeaders);
    }

    /** Shares {@code cache} and {@code stats}, keying responses by the {@code authorization} header. */
    public Shared(Cache<CacheKey, Object> cache, FallbackStats stats) {
      this(cache, stats, List.of(AUTHORIZATION));
    }
  }

  /** The header identity usually travels in; part of every cache key by default. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Answers by {@code policies}, with {@code fallbackObject} (null for none) and {@code shared}. */
  public FallbackInterceptor(MethodPolicies policies, Channel fallbackObject, Shared shared) {
    this.policies = policies;
    this.fallbackObject = fallbackObject;
    this.cache = shared.cache();
    this.stats = shared.stats();
    this.identityHeaders = shared.identityHeaders();
    this.noIdentity = java.util.Collections.nCopies(identityHeaders.size(), "");
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    MethodPolicy policy = policies.of(method);
    boolean singleRequest = method.getType() == MethodDescriptor.MethodType.UNARY
        || method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING;
    if (!singleRequest || (!policy.hasFallback() && fallbackObject == null)) {
      return next.newCall(method, options);
    }
    return new FallbackCall<>(method, options, next.newCall(method, options), policy);
  }

  /**
   * A request's identity in the response cache: its method, the request (a protobuf message,
   * compared by value, so no call pays for serializing it; any other request as its serialized
   * bytes), the values of the identity headers it was sent with, and its call credentials
   * (compared by identity; they add their headers below this interceptor), so one caller's
   * answer never goes to another.
   */
  public record CacheKey(String method, Object request, List<String> identity,
      Object credentials) {
    @Override
    public boolean equals(Object other) {
      return other instanceof CacheKey that && method.equals(that.method)
          && request.equals(that.request) && identity.equals(that.identity)
          && credentials == that.credentials; // call credentials by identity: one caller's
    }

    @Override
    public int hashCode() {
      return ((31 * method.hashCode() + request.hashCode()) * 31 + identity.hashCode()) * 31
          + System.identityHashCode(credentials);
    }

    @Override
    public String toString() {
      return "CacheKey{" + method + ", " + identity.size() + " identity headers}"; // no values
    }
  }

  /** Returns a SHA-256 of each identity header's value: the cache holds no bearer token. */
  private List<String> identityOf(Metadata headers) {
    List<String> values = null;
    for (int i = 0; i < identityHeaders.size(); i++) {
      String value = headers.get(identityHeaders.get(i));
      if (value != null) {
        if (values == null) {
          values = new java.util.ArrayList<>(noIdentity);
        }
        values.set(i, sha256(value));
      }
    }
    return values == null ? noIdentity : List.copyOf(values); // no allocation without identity
  }

  private static String sha256(String value) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private final class FallbackCall<Q, R> extends ClientCall<Q, R> {
    private final MethodDescriptor<Q, R> method;
    private final CallOptions options;
    private final ClientCall<Q, R> delegate;
    private final MethodPolicy policy;
    private Listener<R> listener;
    private Metadata requestHeaders;
    private List<String> identity = List.of();
    private Q request; // guarded by this
    private int requested;
    private Runnable waitingForRequest; // guarded by this: a fallback that needs the request

    FallbackCall(MethodDescriptor<Q, R> method, CallOptions options, ClientCall<Q, R> delegate,
        MethodPolicy policy) {
      this.method = method;
      this.options = options;
      this.delegate = delegate;
      this.policy = policy;
    }

    @Override
    public void start(Listener<R> responseListener, Metadata headers) {
      listener = responseListener;
      if (fallbackObject != null) {
        requestHeaders = new Metadata();
        requestHeaders.merge(headers);
      }
      if (policy.cacheable()) {
        identity = identityOf(headers);
      }
      delegate.start(new Watching(responseListener), headers);
    }

    @Override
    public void request(int count) {
      requested += count;
      delegate.request(count);
    }

    @Override
    public void sendMessage(Q message) {
      Runnable fallback;
      synchronized (this) {
        request = message;
        fallback = waitingForRequest;
        waitingForRequest = null;
      }
      if (fallback != null) {
        fallback.run(); // the call failed before its request was even sent
        return;
      }
      delegate.sendMessage(message);
    }

    private synchronized Q requestOrWait(Runnable fallback) {
      if (request == null) {
        waitingForRequest = fallback;
      }
      return request;
    }

    @Override
    public void halfClose() {
      delegate.halfClose();
    }

    @Override
    public void cancel(String message, Throwable cause) {
      delegate.cancel(message, cause);
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      delegate.setMessageCompression(enabled);
    }

    @Override
    public Attributes getAttributes() {
      return delegate.getAttributes();
    }

    private CacheKey cacheKey() {
      if (request instanceof MessageLite) { // immutable, equal by value, hash memoized
        return new CacheKey(method.getFullMethodName(), request, identity,
            options.getCredentials());
      }
      try (InputStream stream = method.getRequestMarshaller().stream(request)) {
        return new CacheKey(method.getFullMethodName(), ByteBuffer.wrap(stream.readAllBytes()),
            identity, options.getCredentials());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Watches the real call; on a qualifying failure, answers from a fallback instead. */
    private final class Watching extends ForwardingClientCallListener.SimpleForwardingClientCallListener<R> {
      private boolean headersSent;
      private boolean messageSeen;
      private R lastMessage;

      Watching(Listener<R> delegate) {
        super(delegate);
      }

      @Override
      public void onHeaders(Metadata headers) {
        headersSent = true;
        super.onHeaders(headers);
      }

      @Override
      public void onMessage(R message) {
        messageSeen = true;
        lastMessage = message;
        super.onMessage(message);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (status.isOk()) {
          if (policy.cacheable() && lastMessage != null && request != null
              && method.getType() == MethodDescriptor.MethodType.UNARY) {
            cache.put(cacheKey(), lastMessage);
          }
          super.onClose(status, trailers);
          return;
        }
        if (messageSeen || !policy.fallbackOn().contains(status.getCode())) {
          super.onClose(status, trailers);
          return;
        }
        if (requestOrWait(() -> fallBack(status, trailers)) == null) {
          return; // an executor delivered the failure before the caller sent the request
        }
        fallBack(status, trailers);
      }

      private void fallBack(Status status, Metadata trailers) {
        if (policy.cacheable() && method.getType() == MethodDescriptor.MethodType.UNARY) {
          @SuppressWarnings("unchecked")
          R cached = (R) cache.getIfPresent(cacheKey());
          if (cached != null) {
            answer(Fallbacks.CACHE, cached, status);
            return;
          }
        }
        if (fallbackObject != null) {
          stats.record(method.getFullMethodName(), Fallbacks.OBJECT, status);
          callFallbackObject(status);
          return;
        }
        if (policy.fallbackResponse().isPresent()) {
          @SuppressWarnings("unchecked")
          R response = (R) policy.fallbackResponse().get();
          answer(Fallbacks.DEFAULT, response, status);
          return;
        }
        super.onClose(status, trailers);
      }

      private Metadata marker(String kind) {
        Metadata metadata = new Metadata();
        metadata.put(Fallbacks.HEADER, kind);
        return metadata;
      }

      private void answer(String kind, R response, Status failure) {
        stats.record(method.getFullMethodName(), kind, failure);
        if (!headersSent) {
          listener.onHeaders(marker(kind));
        }
        listener.onMessage(response);
        listener.onClose(Status.OK, marker(kind));
      }

      private void callFallbackObject(Status failure) {
        // The local object answers at once: the call's (possibly spent) deadline, and the one it
        // inherited, must not cut it short.
        Context.current().fork().run(() -> startFallbackObject());
      }

      private void startFallbackObject() {
        ClientCall<Q, R> local = fallbackObject.newCall(method, options.withDeadline(null));
        local.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<R>(
            listener) {
          @Override
          public void onHeaders(Metadata headers) {
            if (!headersSent) {
              headers.put(Fallbacks.HEADER, Fallbacks.OBJECT);
              super.onHeaders(headers);
            }
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            trailers.put(Fallbacks.HEADER, Fallbacks.OBJECT);
            super.onClose(status, trailers);
          }
        }, requestHeaders);
        local.request(Math.max(1, requested));
        local.sendMessage(request);
        local.halfClose();
      }
    }
  }
}
