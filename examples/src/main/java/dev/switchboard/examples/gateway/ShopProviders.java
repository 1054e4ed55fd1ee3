package dev.switchboard.examples.gateway;

import dev.switchboard.proto.shop.Price;
import dev.switchboard.proto.shop.PricingGrpc;
import dev.switchboard.proto.shop.Product;
import dev.switchboard.proto.shop.ProductInfoGrpc;
import dev.switchboard.proto.shop.ProductRequest;
import dev.switchboard.proto.shop.RecommendationList;
import dev.switchboard.proto.shop.RecommendationsGrpc;
import dev.switchboard.proto.shop.ReviewSummary;
import dev.switchboard.proto.shop.ReviewsGrpc;
import dev.switchboard.rpc.RpcService;
import io.grpc.stub.StreamObserver;

/** The four services behind the gateway, as demo providers. */
final class ShopProviders {
  private ShopProviders() {}

  @RpcService
  static final class ProductInfoService extends ProductInfoGrpc.ProductInfoImplBase {
    private final String name;
    private final Behaviour behaviour;

    ProductInfoService(String name, Behaviour behaviour) {
      this.name = name;
      this.behaviour = behaviour;
    }

    @Override
    public void getProduct(ProductRequest request, StreamObserver<Product> responses) {
      behaviour.respond(responses, () -> Product.newBuilder().setProductId(request.getProductId())
          .setName("Espresso machine " + request.getProductId()).setServedBy(name).build());
    }
  }

  @RpcService
  static final class PricingService extends PricingGrpc.PricingImplBase {
    private final String name;
    private final Behaviour behaviour;

    PricingService(String name, Behaviour behaviour) {
      this.name = name;
      this.behaviour = behaviour;
    }

    @Override
    public void getPrice(ProductRequest request, StreamObserver<Price> responses) {
      behaviour.respond(responses, () -> Price.newBuilder().setCents(24_900).setCurrency("EUR")
          .setServedBy(name).build());
    }
  }

  @RpcService
  static final class ReviewsService extends ReviewsGrpc.ReviewsImplBase {
    private final Behaviour behaviour;

    ReviewsService(Behaviour behaviour) {
      this.behaviour = behaviour;
    }

    @Override
    public void getReviews(ProductRequest request, StreamObserver<ReviewSummary> responses) {
      behaviour.respond(responses, () -> ReviewSummary.newBuilder().setRating(4.6).setCount(212)
          .addHighlights("Great crema").addHighlights("Quiet pump").build());
    }
  }

  @RpcService
  static final class RecommendationsService extends RecommendationsGrpc.RecommendationsImplBase {
    private final Behaviour behaviour;

    RecommendationsService(Behaviour behaviour) {
      this.behaviour = behaviour;
    }

    @Override
    public void getRecommendations(ProductRequest request,
        StreamObserver<RecommendationList> responses) {
      behaviour.respond(responses, () -> RecommendationList.newBuilder()
          .addProductIds("grinder-7").addProductIds("tamper-2").addProductIds("beans-arabica")
          .setPersonalised(true).build());
    }
  }

  /** The fallback for recommendations: the shop's default top-10, not personalised. */
  static final class TopTenRecommendations extends RecommendationsGrpc.RecommendationsImplBase {
    @Override
    public void getRecommendations(ProductRequest request,
        StreamObserver<RecommendationList> responses) {
      RecommendationList.Builder list = RecommendationList.newBuilder().setPersonalised(false);
      for (int i = 1; i <= 10; i++) {
        list.addProductIds("bestseller-" + i);
      }
      responses.onNext(list.build());
      responses.onCompleted();
    }
  }
}
