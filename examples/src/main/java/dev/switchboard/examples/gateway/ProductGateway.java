package dev.switchboard.examples.gateway;

import com.google.common.util.concurrent.ListenableFuture;
import dev.switchboard.proto.shop.Price;
import dev.switchboard.proto.shop.PricingGrpc;
import dev.switchboard.proto.shop.Product;
import dev.switchboard.proto.shop.ProductInfoGrpc;
import dev.switchboard.proto.shop.ProductRequest;
import dev.switchboard.proto.shop.RecommendationList;
import dev.switchboard.proto.shop.RecommendationsGrpc;
import dev.switchboard.proto.shop.ReviewSummary;
import dev.switchboard.proto.shop.ReviewsGrpc;
import dev.switchboard.rpc.Fallbacks;
import dev.switchboard.rpc.RpcMethod;
import dev.switchboard.rpc.RpcReference;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The product-details gateway: one request fans out concurrently to four services and composes
 * one answer. Each reference says how its service may fail:
 *
 * <ul>
 *   <li>product info is essential: no fallback, so its failure fails the request;
 *   <li>pricing retries on another instance, and answers from the last good price (flagged
 *       stale) when every instance is down;
 *   <li>reviews have a tight deadline and an empty summary as fallback;
 *   <li>recommendations fall back to the shop's top-10.
 * </ul>
 *
 * <p>Each request is one span, {@value #SPAN_NAME}, current while the four calls start: with
 * tracing on in the {@code RpcClient} (the same OpenTelemetry), the four calls' {@code Sent.*}
 * spans are its children and the whole fan-out is one trace. If a span is already current (an
 * HTTP server's in front of the gateway), the request's span is its child.
 */
public final class ProductGateway {
  /** The name of the span of one request. */
  public static final String SPAN_NAME = "ProductGateway.details";

  private final Tracer tracer;

  /** A gateway that makes no span of its own. */
  public ProductGateway() {
    this(OpenTelemetry.noop());
  }

  /** A gateway that makes a span per request with {@code openTelemetry}'s tracer. */
  public ProductGateway(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("dev.switchboard.examples.gateway");
  }

  @RpcReference(deadline = "500ms")
  private ProductInfoGrpc.ProductInfoFutureStub productInfo;

  @RpcReference(deadline = "500ms", maxAttempts = 3,
      methods = @RpcMethod(name = "GetPrice", idempotent = true, cacheable = true))
  private PricingGrpc.PricingFutureStub pricing;

  @RpcReference(deadline = "200ms", fallback = EmptyReviews.class)
  private ReviewsGrpc.ReviewsFutureStub reviews;

  @RpcReference(deadline = "300ms", fallback = ShopProviders.TopTenRecommendations.class)
  private RecommendationsGrpc.RecommendationsFutureStub recommendations;

  /** An empty summary, for when reviews cannot answer in time. */
  static final class EmptyReviews extends ReviewsGrpc.ReviewsImplBase {
    @Override
    public void getReviews(ProductRequest request,
        io.grpc.stub.StreamObserver<ReviewSummary> responses) {
      responses.onNext(ReviewSummary.newBuilder().setCount(0).build());
      responses.onCompleted();
    }
  }

  /** The composed answer. */
  public record ProductDetails(Product product, Price price, boolean priceStale,
      ReviewSummary reviews, RecommendationList recommendations) {}

  /**
   * Returns the details of {@code productId}, or throws the product-info failure, which nothing
   * can stand in for.
   */
  public ProductDetails details(String productId) throws InterruptedException {
    Span span = tracer.spanBuilder(SPAN_NAME).setAttribute("product.id", productId).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return fanOut(productId);
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      span.end();
    }
  }

  private ProductDetails fanOut(String productId) throws InterruptedException {
    ProductRequest request = ProductRequest.newBuilder().setProductId(productId).build();
    AtomicReference<Metadata> priceHeaders = new AtomicReference<>();
    AtomicReference<Metadata> priceTrailers = new AtomicReference<>();
    ListenableFuture<Product> product = productInfo.getProduct(request);
    ListenableFuture<Price> price = pricing
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(priceHeaders, priceTrailers))
        .getPrice(request);
    ListenableFuture<ReviewSummary> summary = reviews.getReviews(request);
    ListenableFuture<RecommendationList> recommended = recommendations.getRecommendations(request);
    Price resolvedPrice = get(price);
    Metadata headers = priceHeaders.get();
    boolean stale = headers != null && Fallbacks.CACHE.equals(headers.get(Fallbacks.HEADER));
    return new ProductDetails(get(product), resolvedPrice, stale, get(summary), get(recommended));
  }

  private static <T> T get(ListenableFuture<T> future) throws InterruptedException {
    try {
      return future.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw status;
      }
      throw new IllegalStateException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("no answer in 5 s", e);
    }
  }
}
