package dev.switchboard.jmh.discovery;

import dev.switchboard.discovery.zk.ZkRegistry;
import dev.switchboard.discovery.zk.ZkRegistryConfig;
import dev.switchboard.jmh.Flags;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryListener;
import dev.switchboard.rpc.registry.ServiceInstance;
import io.grpc.Status;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.apache.curator.test.TestingServer;

/**
 * Discovery timings against an embedded ZooKeeper (wall-clock measurements, not JMH):
 *
 * <ol>
 *   <li><b>registration → first pick</b>: from {@code RpcServer.start()} returning (its node
 *       exists) to the first call a busy consumer sends it;
 *   <li><b>DRAINING → last pick</b>: from {@code close()} publishing DRAINING to the last call
 *       the consumer sends it;
 *   <li><b>scale</b>: 1,000 services × 10 instances (10,000 instance nodes in 10 sessions): how
 *       long a consumer takes to converge on all of them, its heap for the 1,000 watches, and
 *       what it sees across a ZooKeeper restart.
 * </ol>
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.switchboard.jmh.discovery.DiscoveryTimings \
 *     [--rounds 20] [--services 1000] [--instances 10] [--markdown FILE]
 * </pre>
 *
 * <p>Not thread-safe; one run per JVM.
 */
public final class DiscoveryTimings {
  private static final HelloRequest WORLD = HelloRequest.newBuilder().setName("timings").build();

  private DiscoveryTimings() {}

  /** Runs the measurements; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Map<String, String> flags =
        Flags.parse(args, List.of("rounds", "services", "instances", "markdown"));
    int rounds = Integer.parseInt(flags.getOrDefault("rounds", "20"));
    int services = Integer.parseInt(flags.getOrDefault("services", "1000"));
    int instances = Integer.parseInt(flags.getOrDefault("instances", "10"));
    Path markdown = flags.containsKey("markdown") ? Path.of(flags.get("markdown")) : null;
    StringBuilder out = new StringBuilder();
    try (TestingServer zookeeper = new TestingServer(true)) {
      pickTimings(zookeeper, rounds, out);
      scale(zookeeper, services, instances, out);
    }
    System.out.print(out);
    if (markdown != null) {
      Files.writeString(markdown, out.toString());
    }
  }

  private static void pickTimings(TestingServer zookeeper, int rounds, StringBuilder out)
      throws Exception {
    String registry = "zk://" + zookeeper.getConnectString() + "/timings?snapshotDir=none";
    double[] firstPick = new double[rounds];
    double[] lastPick = new double[rounds];
    try (RpcServer base = provider(registry, new TimedGreeter("base"));
         RpcClient client = RpcClient.builder().registry(registry).build()) {
      GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
          ReferenceConfig.builder().deadline(Duration.ofSeconds(5)).build());
      greeter.sayHello(WORLD);
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> callers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread caller = new Thread(() -> {
          while (running.get()) {
            greeter.sayHello(WORLD);
          }
        }, "timings-caller-" + t);
        caller.start();
        callers.add(caller);
      }
      for (int round = 0; round < rounds; round++) {
        TimedGreeter joining = new TimedGreeter("round-" + round);
        RpcServer server = provider(registry, joining);
        long registered = System.nanoTime();
        long deadline = registered + TimeUnit.SECONDS.toNanos(30);
        while (joining.firstNanos() == 0 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        // a provider never picked within the deadline is a failed round: it counts as
        // infinitely slow, so it raises the max instead of hiding as a negative time
        firstPick[round] = joining.firstNanos() == 0 ? Double.POSITIVE_INFINITY
            : (joining.firstNanos() - registered) / 1e6;
        long closing = System.nanoTime();
        server.close();
        lastPick[round] = Math.max(0, joining.lastNanos() - closing) / 1e6;
      }
      running.set(false);
      for (Thread caller : callers) {
        caller.join();
      }
    }
    out.append("### Registration and drain, as a busy consumer sees them\n\n")
        .append(rounds).append(" rounds; a consumer calls on 2 threads; the provider's drain"
            + " period is 500 ms.\n\n")
        .append("| measure | p50 ms | max ms |\n| --- | --- | --- |\n")
        .append(row("registration → first pick", firstPick))
        .append(row("DRAINING → last pick", lastPick)).append('\n')
        .append(neverPicked(firstPick)).append(" of ").append(rounds)
        .append(" rounds: the new provider was never picked within 30 s.\n\n");
  }

  private static String row(String name, double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return String.format(Locale.ROOT, "| %s | %s | %s |%n", name,
        millis(sorted[sorted.length / 2]), millis(sorted[sorted.length - 1]));
  }

  private static String millis(double value) {
    return Double.isInfinite(value) ? "never" : String.format(Locale.ROOT, "%.1f", value);
  }

  static long neverPicked(double[] firstPick) {
    return Arrays.stream(firstPick).filter(Double::isInfinite).count();
  }

  private static RpcServer provider(String registry, TimedGreeter greeter) {
    return RpcServer.builder().application("timings").registry(registry)
        .bindAddress("127.0.0.1").shutdownHook(false).drainPeriod(Duration.ofMillis(500))
        .shutdownGrace(Duration.ofSeconds(2)).addService(greeter).build().start();
  }

  private static void scale(TestingServer zookeeper, int services, int instances,
      StringBuilder out) throws Exception {
    String uri = "zk://" + zookeeper.getConnectString() + "/scale?snapshotDir=none";
    ZkRegistryConfig config = ZkRegistryConfig.fromUri(URI.create(uri));
    List<Registry> providers = new ArrayList<>();
    List<Registration> registrations = new ArrayList<>();
    long registering = System.nanoTime();
    for (int i = 0; i < instances; i++) {
      Registry registry = ZkRegistry.open(config);
      providers.add(registry);
      for (int s = 0; s < services; s++) {
        int port = 1024 + s;
        String host = "10.0." + i + "." + (1 + s % 250);
        registrations.add(registry.register(new ProviderInstance(ProviderInstance.newInstanceId(host, port),
            "app-" + s, host, port, InstanceState.SERVING, Instant.now(),
            List.of(ExportedService.of("bench.Service" + s)))));
      }
    }
    for (Registration registration : registrations) {
      if (!registration.awaitRegistered(Duration.ofMinutes(5))) {
        throw new IllegalStateException("registration did not finish: " + registration);
      }
    }
    double registerSeconds = (System.nanoTime() - registering) / 1e9;
    long heapBefore = usedHeapAfterGc();
    Registry consumer = ZkRegistry.open(config);
    AtomicIntegerArray sizes = new AtomicIntegerArray(services);
    AtomicIntegerArray lowest = new AtomicIntegerArray(services);
    long watching = System.nanoTime();
    watchAll(consumer, services, sizes, lowest);
    long converged = awaitAll(sizes, instances, Duration.ofMinutes(5));
    double convergeSeconds = (converged - watching) / 1e9;
    long heapAfter = usedHeapAfterGc();
    for (int s = 0; s < services; s++) {
      lowest.set(s, instances);
    }

    zookeeper.restart();
    long restarted = System.nanoTime();
    Registry late = ZkRegistry.open(config);
    AtomicIntegerArray lateSizes = new AtomicIntegerArray(services);
    watchAll(late, services, lateSizes, new AtomicIntegerArray(services));
    long lateConverged = awaitAll(lateSizes, instances, Duration.ofMinutes(5));
    int fewest = Integer.MAX_VALUE;
    for (int s = 0; s < services; s++) {
      fewest = Math.min(fewest, lowest.get(s));
    }
    late.close();
    consumer.close();
    for (Registry registry : providers) {
      registry.close();
    }
    out.append("### ").append(services).append(" services × ").append(instances)
        .append(" instances\n\n")
        .append("| measure | value |\n| --- | --- |\n")
        .append(String.format(Locale.ROOT, "| register %,d instance nodes (%d sessions) | %.1f s"
            + " |%n", services * instances, instances, registerSeconds))
        .append(String.format(Locale.ROOT, "| consumer: %d watches converge | %.2f s |%n",
            services, convergeSeconds))
        .append(String.format(Locale.ROOT, "| consumer heap for them | %.1f MB |%n",
            (heapAfter - heapBefore) / 1e6))
        .append(String.format(Locale.ROOT, "| ZooKeeper restarted: a new consumer's %d watches"
            + " converge | %.2f s |%n", services, (lateConverged - restarted) / 1e9))
        .append(String.format(Locale.ROOT, "| ZooKeeper restarted: fewest instances the existing"
            + " consumer published for any service | %d of %d |%n", fewest, instances))
        .append('\n');
  }

  /** Watches every service, recording each one's latest size and the lowest size since. */
  private static void watchAll(Registry registry, int services, AtomicIntegerArray sizes,
      AtomicIntegerArray lowest) {
    for (int s = 0; s < services; s++) {
      int index = s;
      registry.watch("bench.Service" + s, new RegistryListener() {
        @Override
        public void onSnapshot(List<ServiceInstance> snapshot) {
          sizes.set(index, snapshot.size());
          lowest.accumulateAndGet(index, snapshot.size(), Math::min);
        }

        @Override
        public void onError(Status error) {}
      });
    }
  }

  private static long awaitAll(AtomicIntegerArray sizes, int expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (int s = 0; s < sizes.length() && all; s++) {
        all = sizes.get(s) == expected;
      }
      if (all) {
        return System.nanoTime();
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
    throw new IllegalStateException("watches did not converge within " + timeout);
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
