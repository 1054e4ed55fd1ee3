package dev.switchboard.examples.gateway;

import dev.switchboard.examples.Args;
import dev.switchboard.examples.EmbeddedZooKeeper;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The product-details gateway under trouble, narrated: every provider registered in ZooKeeper,
 * then one outage after another, each answered by the call policies of {@link ProductGateway}.
 *
 * <pre>
 * java -cp examples/target/switchboard-examples.jar dev.switchboard.examples.gateway.GatewayScenario [--zk host:port]
 * </pre>
 */
public final class GatewayScenario {
  private final PrintStream out;
  private final List<AutoCloseable> resources = new ArrayList<>();

  private GatewayScenario(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, Set.of("zk"));
    run(args.get("zk", null), System.out);
  }

  /** Runs the scenario, narrating to {@code out}. */
  public static void run(String zk, PrintStream out) throws Exception {
    GatewayScenario scenario = new GatewayScenario(out);
    try {
      scenario.play(zk);
    } finally {
      scenario.close();
    }
  }

  private RpcServer provider(String registry, String app, Object service) {
    RpcServer server = RpcServer.builder().application(app).registry(registry)
        .bindAddress("127.0.0.1").drainPeriod(Duration.ofMillis(300))
        .shutdownGrace(Duration.ofSeconds(1)).addService(service).build().start();
    resources.add(server);
    return server;
  }

  private Behaviour behaviour() {
    Behaviour behaviour = new Behaviour();
    resources.add(behaviour);
    return behaviour;
  }

  private void play(String zk) throws Exception {
    EmbeddedZooKeeper embedded = zk == null ? EmbeddedZooKeeper.start() : null;
    if (embedded != null) {
      resources.add(embedded);
    }
    String registry = "zk://" + (zk == null ? embedded.connectString() : zk)
        + "/switchboard-gateway-" + Instant.now().toEpochMilli();
    Behaviour info = behaviour();
    Behaviour pricing1 = behaviour();
    Behaviour pricing2 = behaviour();
    Behaviour reviews = behaviour();
    Behaviour recommendations = behaviour();
    provider(registry, "product-info", new ShopProviders.ProductInfoService("info-1", info));
    provider(registry, "pricing", new ShopProviders.PricingService("pricing-1", pricing1));
    provider(registry, "pricing", new ShopProviders.PricingService("pricing-2", pricing2));
    provider(registry, "reviews", new ShopProviders.ReviewsService(reviews));
    RpcServer recommender = provider(registry, "recommendations",
        new ShopProviders.RecommendationsService(recommendations));
    out.println("Five providers registered in ZooKeeper: product-info, pricing x2, reviews,"
        + " recommendations.");

    RpcClient client = RpcClient.builder().registry(registry).build();
    resources.add(client);
    ProductGateway gateway = client.inject(new ProductGateway());
    // The first calls on new channels wait for ZooKeeper and for connections, which the tight
    // deadlines do not allow for: warm the four channels up first (a bounded wait).
    long warmUntil = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    long warmUpFallbacks = 0;
    while (System.nanoTime() < warmUntil) {
      long before = client.fallbackCounts().values().stream().mapToLong(Long::longValue).sum();
      boolean answered;
      try {
        gateway.details("warm-up");
        answered = true;
      } catch (StatusRuntimeException e) {
        answered = false; // a channel still connecting missed a tight deadline
      }
      warmUpFallbacks = client.fallbackCounts().values().stream().mapToLong(Long::longValue)
          .sum();
      if (answered && warmUpFallbacks == before) {
        break; // one clean answer: every channel is up
      }
    }

    step("1. All healthy.");
    show(gateway);

    step("2. One pricing instance starts failing every call: retries go to the other instance.");
    pricing1.failing(true);
    int errors = 0;
    for (int i = 0; i < 20; i++) {
      try {
        gateway.details("espresso-1");
      } catch (StatusRuntimeException e) {
        errors++;
      }
    }
    long fallbacksNow = client.fallbackCounts().values().stream().mapToLong(Long::longValue).sum();
    out.printf("   20 requests, %d errors seen by the caller, %d fallbacks used%n", errors,
        fallbacksNow - warmUpFallbacks);
    show(gateway);

    step("3. Recommendations go down: the shop's default top-10 answers instead.");
    recommender.close();
    show(gateway);

    step("4. Pricing goes down entirely: the last good price answers, flagged stale.");
    pricing2.failing(true);
    show(gateway);
    pricing1.failing(false);
    pricing2.failing(false);

    step("5. Reviews turn slow (2 s): their 200 ms deadline bounds the whole request.");
    reviews.slow(2_000);
    long start = System.nanoTime();
    show(gateway);
    out.printf("   answered in %d ms (reviews replaced by an empty summary)%n",
        (System.nanoTime() - start) / 1_000_000);
    reviews.slow(0);

    step("6. Product info goes down: nothing can stand in for it, so the request fails.");
    info.failing(true);
    try {
      gateway.details("espresso-1");
      out.println("   unexpectedly answered");
    } catch (StatusRuntimeException e) {
      out.println("   request failed: " + e.getStatus().getCode() + " "
          + e.getStatus().getDescription());
    }
    out.println("\nFallbacks used per method (" + warmUpFallbacks + " of them while warming up): "
        + client.fallbackCounts());
  }

  private void step(String title) {
    out.println();
    out.println(title);
  }

  private void show(ProductGateway gateway) throws InterruptedException {
    ProductGateway.ProductDetails details = gateway.details("espresso-1");
    out.printf("   %s | %.2f %s%s (by %s) | rating %.1f from %d reviews | %s: %s%n",
        details.product().getName(), details.price().getCents() / 100.0,
        details.price().getCurrency(), details.priceStale() ? " STALE" : "",
        details.price().getServedBy(), details.reviews().getRating(),
        details.reviews().getCount(),
        details.recommendations().getPersonalised() ? "recommended for you" : "top sellers",
        details.recommendations().getProductIdsList());
  }

  private void close() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    out.println("\nScenario over.");
  }
}
