package dev.switchboard.examples.gateway;

import dev.switchboard.examples.Args;
import dev.switchboard.examples.EmbeddedZooKeeper;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.Telemetry;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.OpenTelemetry;
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
    run(zk, out, null);
  }

  /**
   * Runs the scenario, narrating to {@code out}, with {@code telemetry} on every provider, the
   * client and the gateway's own span per request; {@code null} for each builder's default,
   * {@link Telemetry#global()}.
   */
  public static void run(String zk, PrintStream out, Telemetry telemetry) throws Exception {
    GatewayScenario scenario = new GatewayScenario(out);
    try {
      scenario.play(zk, telemetry);
    } finally {
      scenario.close();
    }
  }

  private void play(String zk, Telemetry telemetry) throws Exception {
    EmbeddedZooKeeper embedded = zk == null ? EmbeddedZooKeeper.start() : null;
    if (embedded != null) {
      resources.add(embedded);
    }
    String registry = "zk://" + (zk == null ? embedded.connectString() : zk)
        + "/switchboard-gateway-" + Instant.now().toEpochMilli();
    Shop shop = Shop.start(registry, telemetry);
    resources.add(shop);
    Behaviour info = shop.info;
    Behaviour pricing1 = shop.pricing1;
    Behaviour pricing2 = shop.pricing2;
    Behaviour reviews = shop.reviews;
    RpcServer recommender = shop.recommender;
    RpcClient client = shop.client;
    ProductGateway gateway = shop.gateway;
    out.println("Five providers registered in ZooKeeper: product-info, pricing x2, reviews,"
        + " recommendations.");
    long warmUpFallbacks = shop.warmUp();

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
    long fallbacksNow = shop.fallbacks();
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

  /**
   * The shop on one registry: five providers (product-info, pricing x2, reviews,
   * recommendations), each with the {@link Behaviour} the scenario flips, and a client with the
   * gateway injected.
   */
  static final class Shop implements AutoCloseable {
    final Behaviour info = new Behaviour();
    final Behaviour pricing1 = new Behaviour();
    final Behaviour pricing2 = new Behaviour();
    final Behaviour reviews = new Behaviour();
    final Behaviour recommendations = new Behaviour();
    final RpcServer recommender;
    final RpcClient client;
    final ProductGateway gateway;
    private final List<AutoCloseable> resources = new ArrayList<>(
        List.of(info, pricing1, pricing2, reviews, recommendations));
    private final Telemetry telemetry;

    private Shop(String registry, Telemetry telemetry) {
      this.telemetry = telemetry;
      try {
        provider(registry, "product-info", new ShopProviders.ProductInfoService("info-1", info));
        provider(registry, "pricing", new ShopProviders.PricingService("pricing-1", pricing1));
        provider(registry, "pricing", new ShopProviders.PricingService("pricing-2", pricing2));
        provider(registry, "reviews", new ShopProviders.ReviewsService(reviews));
        recommender = provider(registry, "recommendations",
            new ShopProviders.RecommendationsService(recommendations));
        RpcClient.Builder builder = RpcClient.builder().registry(registry);
        if (telemetry != null) {
          builder.telemetry(telemetry);
        }
        client = builder.build();
        resources.add(client);
        // The gateway's span per request goes where the client's spans go, so the fan-out is
        // one trace; none when the client does not trace.
        Telemetry traced = telemetry != null ? telemetry : Telemetry.global();
        gateway = client.inject(new ProductGateway(traced.tracing()
            ? traced.openTelemetry().orElse(OpenTelemetry.noop()) : OpenTelemetry.noop()));
      } catch (RuntimeException | Error e) {
        try {
          close(); // what started before the failure
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }

    /**
     * Starts the shop on {@code registry}, with {@code telemetry} on every provider and the
     * client, or each builder's default when {@code null}.
     */
    static Shop start(String registry, Telemetry telemetry) {
      return new Shop(registry, telemetry);
    }

    private RpcServer provider(String registry, String app, Object service) {
      RpcServer.Builder builder = RpcServer.builder().application(app).registry(registry)
          .bindAddress("127.0.0.1").drainPeriod(Duration.ofMillis(300))
          .shutdownGrace(Duration.ofSeconds(1)).addService(service);
      if (telemetry != null) {
        builder.telemetry(telemetry);
      }
      RpcServer server = builder.build().start();
      resources.add(server);
      return server;
    }

    /**
     * The first calls on new channels wait for the registry and for connections, which the tight
     * deadlines do not allow for: warms the four channels up with requests until one is answered
     * without a fallback (a bounded wait). Returns the fallbacks used so far.
     */
    long warmUp() throws InterruptedException {
      long warmUntil = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      long fallbacks = 0;
      while (System.nanoTime() < warmUntil) {
        long before = fallbacks();
        boolean answered;
        try {
          gateway.details("warm-up");
          answered = true;
        } catch (StatusRuntimeException e) {
          answered = false; // a channel still connecting missed a tight deadline
        }
        fallbacks = fallbacks();
        if (answered && fallbacks == before) {
          break; // one clean answer: every channel is up
        }
      }
      return fallbacks;
    }

    long fallbacks() {
      return client.fallbackCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() throws Exception {
      for (int i = resources.size() - 1; i >= 0; i--) {
        resources.get(i).close();
      }
    }
  }
}
