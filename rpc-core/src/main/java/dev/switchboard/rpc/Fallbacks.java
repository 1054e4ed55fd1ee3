package dev.switchboard.rpc;

import io.grpc.Metadata;

/**
 * How a caller can tell that a response came from a fallback: the response headers (or, if the
 * server had already sent headers, the trailers) carry {@link #HEADER} with the kind of fallback.
 * Read it with {@code MetadataUtils.newCaptureMetadataInterceptor}, or count fallbacks with
 * {@link RpcClient#fallbackCounts()}.
 */
public final class Fallbacks {
  /** The header naming the fallback that answered: {@link #CACHE}, {@link #OBJECT} or {@link #DEFAULT}. */
  public static final Metadata.Key<String> HEADER =
      Metadata.Key.of("switchboard-fallback", Metadata.ASCII_STRING_MARSHALLER);

  /** The last good response to an equal request (possibly stale). */
  public static final String CACHE = "cache";
  /** The reference's fallback object, an implementation of the same service. */
  public static final String OBJECT = "object";
  /** The method's fixed fallback response. */
  public static final String DEFAULT = "default";

  private Fallbacks() {}
}
