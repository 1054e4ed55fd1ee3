package dev.switchboard.examples.quickstart;

import dev.switchboard.examples.Args;
import dev.switchboard.examples.EmbeddedZooKeeper;
import dev.switchboard.examples.tls.DemoTls;
import dev.switchboard.rpc.MetricsServer;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The quick start: a ZooKeeper (embedded unless {@code --zk host:port} is given), three Greeter
 * providers registered in it with weights 1, 2 and 3, and a consumer that discovers them and
 * spreads its calls 1:2:3.
 *
 * <pre>
 * java -jar examples/target/switchboard-examples.jar [--zk host:port] [--calls 600]
 *     [--tls-dir DIR] [--metrics-port N]
 * </pre>
 *
 * <p>With {@code --tls-dir}, every call is mutual TLS: demo certificates are made in DIR (or
 * reused), the providers require the consumer's certificate and allow only its identity, and the
 * consumer requires the providers' identity ({@link DemoTls}).
 */
public final class QuickStart {
  private static final int[] WEIGHTS = {1, 2, 3};

  private QuickStart() {}

  public static void main(String[] argv) throws Exception {
    Args args;
    try {
      args = Args.parse(argv, Set.of("zk", "calls", "tls-dir", "metrics-port"));
      args.getInt("calls", 600, 1, 1_000_000);
      args.getInt("metrics-port", 0, 0, 65_535);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("usage: java -jar switchboard-examples.jar [--zk host:port]"
          + " [--calls N] [--tls-dir DIR] [--metrics-port N]");
      throw e;
    }
    String tlsDir = args.get("tls-dir", null);
    run(args.get("zk", null), args.getInt("calls", 600, 1, 1_000_000),
        tlsDir == null ? null : DemoTls.in(Path.of(tlsDir)),
        args.has("metrics-port") ? args.getInt("metrics-port", 0, 0, 65_535) : null, System.out);
  }

  /** Runs the quick start over plaintext; see {@link #run(String, int, DemoTls, PrintStream)}. */
  public static Map<String, Integer> run(String zk, int calls, PrintStream out) throws Exception {
    return run(zk, calls, null, out);
  }

  /**
   * Runs the quick start and returns how many calls each provider served.
   *
   * @param zk a ZooKeeper {@code host:port}, or {@code null} for an embedded one
   * @param tls the demo certificates for mutual TLS, or {@code null} for plaintext
   */
  public static Map<String, Integer> run(String zk, int calls, DemoTls tls, PrintStream out)
      throws Exception {
    return run(zk, calls, tls, null, out);
  }

  /**
   * Runs the quick start and returns how many calls each provider served; with a
   * {@code metricsPort}, the providers and the consumer report to one Prometheus endpoint on it
   * (0 picks a free port), and the picks per instance it serves are printed at the end.
   *
   * @param zk a ZooKeeper {@code host:port}, or {@code null} for an embedded one
   * @param tls the demo certificates for mutual TLS, or {@code null} for plaintext
   * @param metricsPort the Prometheus port, or {@code null} for no metrics
   */
  public static Map<String, Integer> run(String zk, int calls, DemoTls tls, Integer metricsPort,
      PrintStream out) throws Exception {
    EmbeddedZooKeeper embedded = null;
    MetricsServer metrics = null;
    List<RpcServer> providers = new ArrayList<>();
    try {
      String connect;
      if (zk == null) {
        embedded = EmbeddedZooKeeper.start();
        connect = embedded.connectString();
        out.println("Started an embedded ZooKeeper on " + connect);
      } else {
        connect = zk;
        out.println("Using the ZooKeeper at " + connect);
      }
      String registry = "zk://" + connect + "/switchboard-quickstart-"
          + Instant.now().toEpochMilli();
      if (metricsPort != null) {
        metrics = MetricsServer.start("127.0.0.1", metricsPort);
        out.println("Metrics (Prometheus text) at http://127.0.0.1:" + metrics.port()
            + "/metrics");
      }

      for (int i = 0; i < WEIGHTS.length; i++) {
        String name = "provider-" + (i + 1);
        RpcServer.Builder builder = RpcServer.builder()
            .application("greeter")
            .registry(registry)
            .bindAddress("127.0.0.1")
            .weight(WEIGHTS[i])
            .drainPeriod(Duration.ofMillis(500))
            .addService(new QuickStartGreeter(name));
        if (tls != null) {
          builder.tls(tls.serverTls());
        }
        if (metrics != null) {
          builder.telemetry(metrics.telemetry());
        }
        RpcServer server = builder.build().start();
        providers.add(server);
        out.printf("Started %s on 127.0.0.1:%d with weight %d, registered in ZooKeeper%s%n",
            name, server.port(), WEIGHTS[i],
            tls == null ? "" : " (mutual TLS as " + DemoTls.GREETER + ")");
      }

      RpcClient.Builder clientBuilder = RpcClient.builder().registry(registry);
      if (metrics != null) {
        clientBuilder.telemetry(metrics.telemetry());
      }
      if (tls != null) {
        clientBuilder.tls(tls.clientTls("helloworld.Greeter"));
        out.println("The consumer presents " + DemoTls.CONSUMER + " and accepts only "
            + DemoTls.GREETER + " for helloworld.Greeter");
      }
      try (RpcClient client = clientBuilder.build()) {
        GreetingConsumer consumer = client.inject(new GreetingConsumer());
        awaitDiscovery(consumer);
        out.printf("%nThe consumer discovered the providers in ZooKeeper; sending %d calls...%n%n",
            calls);
        Map<String, Integer> servedBy = consumer.greet(calls);
        printSplit(servedBy, calls, out);
        if (metrics != null) {
          printPicks(metrics.port(), out);
        }
        return servedBy;
      }
    } finally {
      for (int i = providers.size() - 1; i >= 0; i--) {
        providers.get(i).close();
      }
      if (metrics != null) {
        metrics.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      out.println("Shut down cleanly.");
    }
  }

  /** Prints the balancer's picks per instance, as a Prometheus scrape of the endpoint sees them. */
  private static void printPicks(int port, PrintStream out) throws Exception {
    java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    out.println();
    out.println("Picks per instance, from http://127.0.0.1:" + port + "/metrics:");
    scrape.body().lines().filter(line -> line.startsWith("switchboard_lb_picks_total{"))
        .forEach(out::println);
  }

  /** Waits (bounded) until calls have reached every provider, so the split is the steady one. */
  private static void awaitDiscovery(GreetingConsumer consumer) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (consumer.greet(WEIGHTS.length * 2).size() < WEIGHTS.length) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the consumer did not discover all providers in 30 s");
      }
    }
  }

  private static void printSplit(Map<String, Integer> servedBy, int calls, PrintStream out) {
    int totalWeight = 0;
    for (int weight : WEIGHTS) {
      totalWeight += weight;
    }
    out.println("provider     weight   calls   share   expected");
    for (int i = 0; i < WEIGHTS.length; i++) {
      String name = "provider-" + (i + 1);
      int served = servedBy.getOrDefault(name, 0);
      out.printf("%-12s %6d %7d %6.1f%% %9.1f%%%n", name, WEIGHTS[i], served,
          100.0 * served / calls, 100.0 * WEIGHTS[i] / totalWeight);
    }
    out.printf("%nSplit %d:%d:%d for weights 1:2:3. Each provider published its weight in its"
            + " ZooKeeper%nregistration; the consumer's channel watched the registry, and the"
            + " smooth weighted%nround-robin balancer (switchboard_weighted_round_robin)"
            + " interleaved the calls by weight.%n",
        servedBy.getOrDefault("provider-1", 0), servedBy.getOrDefault("provider-2", 0),
        servedBy.getOrDefault("provider-3", 0));
  }
}
