package dev.switchboard.examples.tour;

import dev.switchboard.examples.Args;
import dev.switchboard.examples.EmbeddedZooKeeper;
import dev.switchboard.loadbalance.Balancers;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.HashKeys;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A tour of the balancers: the same three providers (weights 1, 2, 3) in ZooKeeper, and a
 * consumer that tries each balancer in turn; then consistent hashing's key affinity, and peak
 * EWMA steering around a provider made slow.
 *
 * <pre>
 * java -cp examples/target/switchboard-examples.jar dev.switchboard.examples.tour.BalancerTour [--zk host:port]
 * </pre>
 */
public final class BalancerTour {
  private static final HelloRequest HELLO = HelloRequest.newBuilder().setName("tour").build();

  private BalancerTour() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv, Set.of("zk"));
    run(args.get("zk", null), System.out);
  }

  /** Runs the tour, printing to {@code out}. */
  public static void run(String zk, PrintStream out) throws Exception {
    EmbeddedZooKeeper embedded = zk == null ? EmbeddedZooKeeper.start() : null;
    String registry = "zk://" + (zk == null ? embedded.connectString() : zk)
        + "/switchboard-tour-" + Instant.now().toEpochMilli();
    List<RpcServer> servers = new ArrayList<>();
    List<TourGreeter> greeters = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        TourGreeter greeter = new TourGreeter("provider-" + i);
        greeters.add(greeter);
        servers.add(RpcServer.builder().application("tour").registry(registry)
            .bindAddress("127.0.0.1").weight(i).drainPeriod(Duration.ofMillis(500))
            .addService(greeter).build().start());
      }
      out.println("Three providers registered in ZooKeeper with weights 1, 2 and 3.");
      try (RpcClient client = RpcClient.builder().registry(registry).build()) {
        splits(client, out);
        affinity(client, servers, out);
        latency(client, greeters, out);
      }
    } finally {
      for (int i = servers.size() - 1; i >= 0; i--) {
        servers.get(i).close();
      }
      greeters.forEach(TourGreeter::close);
      if (embedded != null) {
        embedded.close();
      }
    }
    out.println("\nTour over.");
  }

  private static GreeterGrpc.GreeterBlockingStub stub(RpcClient client, String balancer) {
    return client.stub(GreeterGrpc::newBlockingStub, ReferenceConfig.builder()
        .balancer(balancer).deadline(Duration.ofSeconds(5)).build());
  }

  private static void splits(RpcClient client, PrintStream out) {
    out.println("\n1. The split of 600 calls under each balancer (sequential calls, so the"
        + " load-aware ones see no load and spread by weight or at random):");
    out.printf("   %-34s %11s %11s %11s%n", "balancer", "provider-1", "provider-2", "provider-3");
    for (String balancer : List.of(Balancers.WEIGHTED_ROUND_ROBIN, Balancers.WEIGHTED_RANDOM,
        Balancers.CONSISTENT_HASH, Balancers.LEAST_REQUEST, Balancers.PEAK_EWMA)) {
      GreeterGrpc.GreeterBlockingStub greeter = stub(client, balancer);
      warm(greeter);
      Map<String, Integer> counts = new TreeMap<>();
      for (int i = 0; i < 600; i++) {
        GreeterGrpc.GreeterBlockingStub call = balancer.equals(Balancers.CONSISTENT_HASH)
            ? HashKeys.withHashKey(greeter, "user-" + i) : greeter;
        counts.merge(call.sayHello(HELLO).getServedBy(), 1, Integer::sum);
      }
      out.printf("   %-34s %11d %11d %11d%n", balancer, counts.getOrDefault("provider-1", 0),
          counts.getOrDefault("provider-2", 0), counts.getOrDefault("provider-3", 0));
    }
    out.println("   Weighted round robin is exact (100:200:300), weighted random close to it,"
        + " consistent hash\n   by key share; least-request weighs (inFlight+1)/weight, so with"
        + " no load it favours the\n   heavier of each pair; peak EWMA follows measured latency.");
  }

  private static void affinity(RpcClient client, List<RpcServer> servers, PrintStream out) {
    out.println("\n2. Consistent hashing: each key sticks to one provider.");
    GreeterGrpc.GreeterBlockingStub greeter = stub(client, Balancers.CONSISTENT_HASH);
    Map<String, String> before = new LinkedHashMap<>();
    for (int k = 1; k <= 12; k++) {
      String key = "user-" + k;
      before.put(key, HashKeys.withHashKey(greeter, key).sayHello(HELLO).getServedBy());
    }
    out.println("   " + before);
    out.println("   provider-3 leaves (deregisters, drains, stops)...");
    servers.remove(2).close();
    Map<String, String> after = new LinkedHashMap<>();
    for (String key : before.keySet()) {
      after.put(key, HashKeys.withHashKey(greeter, key).sayHello(HELLO).getServedBy());
    }
    int moved = 0;
    int movedFromSurvivors = 0;
    for (String key : before.keySet()) {
      if (!before.get(key).equals(after.get(key))) {
        moved++;
        if (!before.get(key).equals("provider-3")) {
          movedFromSurvivors++;
        }
        out.printf("   %s moved %s -> %s%n", key, before.get(key), after.get(key));
      }
    }
    out.printf("   %d of 12 keys moved, %d of them from a provider that stayed.%n", moved,
        movedFromSurvivors);
  }

  private static void latency(RpcClient client, List<TourGreeter> greeters, PrintStream out) {
    out.println("\n3. Peak EWMA: provider-2 turns slow (80 ms per call).");
    GreeterGrpc.GreeterBlockingStub greeter = stub(client, Balancers.PEAK_EWMA);
    warm(greeter);
    greeters.get(1).delayMillis(80);
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      counts.merge(greeter.sayHello(HELLO).getServedBy(), 1, Integer::sum);
    }
    out.println("   300 calls: " + counts);
    out.println("   One slow answer raises provider-2's average at once; of every two providers"
        + " sampled,\n   the faster wins, so the slow one is left alone until it recovers.");
    greeters.get(1).delayMillis(0);
  }

  private static void warm(GreeterGrpc.GreeterBlockingStub greeter) {
    // the first call also waits for discovery: on a busy machine that can take a while
    greeter.withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS).sayHello(HELLO);
    for (int i = 0; i < 30; i++) {
      HashKeys.withHashKey(greeter, "warm-" + i).sayHello(HELLO);
    }
  }
}
