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
import dev.switchboard.rpc.registry.RegistryHealth;
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
import java.util.stream.IntStream;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.curator.test.TestingZooKeeperServer;

/**
 * Discovery timings against an embedded ZooKeeper (wall-clock measurements, not JMH):
 *
 * <ol>
 *   <li><b>registration → first pick</b>: from {@code RpcServer.start()} returning (its node
 *       exists) to the first call a busy consumer sends it;
 *   <li><b>DRAINING → last pick</b>: from {@code close()} publishing DRAINING to the last call
 *       the consumer sends it;
 *   <li><b>scale</b>, on a 3-node ensemble: 1,000 services × 10 instances (10,000 instance
 *       nodes registered through 100 sessions, as 100 processes would): how long that takes
 *       once the ensemble is warm (after a warm-up round of the same registrations under another
 *       root, registered and closed, whose time is reported too: in a cold JVM, the three
 *       servers' code compiles on the same 2 cores as it runs), how long a new consumer takes to converge on all of them, its heap for the 1,000
 *       watches, and, after the whole ensemble restarts, how long the existing consumer takes
 *       to read everything again (and the fewest instances it published meanwhile) and a new
 *       one to converge.
 * </ol>
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.switchboard.jmh.discovery.DiscoveryTimings \
 *     [--rounds 20] [--services 1000] [--instances 10] [--sessions 100] [--markdown FILE]
 * </pre>
 *
 * <p>Not thread-safe; one run per JVM.
 */
public final class DiscoveryTimings {
  /** How each row of the scale table starts, as written; the report reads them by these. */
  public static final String REGISTER_ROW = "register ";
  /** See {@link #REGISTER_ROW}. */
  public static final String CONVERGE_ROW = "a new consumer:";
  /** See {@link #REGISTER_ROW}. */
  public static final String HEAP_ROW = "consumer heap";
  /** See {@link #REGISTER_ROW}. */
  public static final String RECONNECT_ROW = "whole ensemble stopped and started";
  /** See {@link #REGISTER_ROW}. */
  public static final String REREAD_ROW = "then until it has read all";
  /** See {@link #REGISTER_ROW}. */
  public static final String LATE_CONVERGE_ROW = "then a new consumer:";
  /** See {@link #REGISTER_ROW}. */
  public static final String FEWEST_ROW = "ensemble restarted: fewest instances";
  /** See {@link #REGISTER_ROW}. */
  public static final String COLD_REGISTER_ROW = "the warm-up round before: register";

  private static final HelloRequest WORLD = HelloRequest.newBuilder().setName("timings").build();

  private DiscoveryTimings() {}

  /** Runs the measurements; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Map<String, String> flags =
        Flags.parse(args, List.of("rounds", "services", "instances", "sessions", "markdown"));
    int rounds = Flags.positiveInt(flags, "rounds", 20);
    int services = Flags.positiveInt(flags, "services", 1000);
    int instances = Flags.positiveInt(flags, "instances", 10);
    int sessions = Flags.positiveInt(flags, "sessions", 100);
    Path markdown = flags.containsKey("markdown") ? Path.of(flags.get("markdown")) : null;
    StringBuilder out = new StringBuilder();
    try (TestingServer zookeeper = new TestingServer(true)) {
      pickTimings(zookeeper, rounds, out);
    }
    scale(services, instances, sessions, out);
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

  private static void scale(int services, int instances, int sessions, StringBuilder out)
      throws Exception {
    try (TestingCluster ensemble = new TestingCluster(3)) {
      ensemble.start();
      String uri = "zk://" + ensemble.getConnectString() + "/scale?snapshotDir=none";
      ZkRegistryConfig config = ZkRegistryConfig.fromUri(URI.create(uri));
      List<Registry> warmUp = new ArrayList<>();
      double coldSeconds = registerAll(ZkRegistryConfig.fromUri(URI.create(
          "zk://" + ensemble.getConnectString() + "/scale-warm-up?snapshotDir=none")), services,
          instances, sessions, warmUp);
      for (Registry registry : warmUp) {
        registry.close();
      }
      List<Registry> providers = new ArrayList<>();
      double registerSeconds = registerAll(config, services, instances, sessions, providers);

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

      long restarting = System.nanoTime();
      restartAll(ensemble);
      long restarted = System.nanoTime();
      long[] reread = awaitReread(consumer, sizes, instances, Duration.ofMinutes(5));
      Registry late = ZkRegistry.open(config);
      long lateWatching = System.nanoTime();
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
          .append(" instances, 3-node ensemble\n\n")
          .append("| measure | value |\n| --- | --- |\n")
          .append(String.format(Locale.ROOT, "| " + REGISTER_ROW + "%,d instance nodes (%d"
              + " sessions) | %.2f s |%n", services * instances, sessions, registerSeconds))
          .append(String.format(Locale.ROOT, "| " + COLD_REGISTER_ROW + " the same, the JVM"
              + " cold | %.2f s |%n", coldSeconds))
          .append(String.format(Locale.ROOT, "| " + CONVERGE_ROW + " %d watches converge |"
              + " %.2f s |%n", services, convergeSeconds))
          .append(String.format(Locale.ROOT, "| " + HEAP_ROW + " for them | %.1f MB |%n",
              (heapAfter - heapBefore) / 1e6))
          .append(String.format(Locale.ROOT, "| " + RECONNECT_ROW + " (took %.1f s): until the"
              + " existing consumer is connected again | %.2f s |%n",
              (restarted - restarting) / 1e9, (reread[0] - restarted) / 1e9))
          .append(String.format(Locale.ROOT, "| " + REREAD_ROW + " %d services again | %.2f s"
              + " |%n", services, (reread[1] - reread[0]) / 1e9))
          .append(String.format(Locale.ROOT, "| " + LATE_CONVERGE_ROW + " %d watches converge |"
              + " %.2f s |%n", services, (lateConverged - lateWatching) / 1e9))
          .append(String.format(Locale.ROOT, "| " + FEWEST_ROW + " the existing consumer"
              + " published for any service | %d of %d |%n", fewest, instances))
          .append('\n');
    }
  }

  /** Stops every server of {@code ensemble}, then starts them all again: a whole outage. */
  private static void restartAll(TestingCluster ensemble) throws Exception {
    for (TestingZooKeeperServer server : ensemble.getServers()) {
      server.stop();
    }
    for (TestingZooKeeperServer server : ensemble.getServers()) {
      server.restart();
    }
  }

  /**
   * Registers {@code services × instances} instance nodes through {@code sessions} registries
   * (see {@link #register}) and returns the seconds until every one is registered.
   */
  private static double registerAll(ZkRegistryConfig config, int services, int instances,
      int sessions, List<Registry> providers) throws InterruptedException {
    long registering = System.nanoTime();
    List<Registration> registrations = register(config, services, instances, sessions,
        providers);
    for (Registration registration : registrations) {
      if (!registration.awaitRegistered(Duration.ofMinutes(5))) {
        throw new IllegalStateException("registration did not finish: " + registration);
      }
    }
    return (System.nanoTime() - registering) / 1e9;
  }

  /**
   * Registers {@code services × instances} instance nodes through {@code sessions} registries
   * (as many processes would), instance {@code i} of service {@code s} in application
   * {@code app-s}; returns the registrations, adding the registries to {@code providers}.
   */
  private static List<Registration> register(ZkRegistryConfig config, int services,
      int instances, int sessions, List<Registry> providers) {
    for (int i = 0; i < sessions; i++) {
      providers.add(ZkRegistry.open(config));
    }
    List<Registration> registrations = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < instances; i++) {
      for (int s = 0; s < services; s++) {
        int port = 1024 + s;
        String host = "10." + (i / 250) + "." + (i % 250) + "." + (1 + s % 250);
        Registry registry = providers.get(next++ % sessions);
        registrations.add(registry.register(new ProviderInstance(
            ProviderInstance.newInstanceId(host, port), "app-" + s, host, port,
            InstanceState.SERVING, Instant.now(),
            List.of(ExportedService.of("bench.Service" + s)))));
      }
    }
    return registrations;
  }

  private static boolean noticed(RegistryHealth health) {
    return !health.session().equals(RegistryHealth.CONNECTED) || health.services().values()
        .stream().anyMatch(RegistryHealth.ServiceHealth::holdingLastKnownGood);
  }

  /**
   * Waits until {@code consumer} has noticed a restart, then until its session is connected
   * again, then until it has read every watched node again (no service holds its last known
   * good view) and every service has {@code expected} instances; returns when it was connected
   * again and when it had read everything.
   */
  private static long[] awaitReread(Registry consumer, AtomicIntegerArray sizes, int expected,
      Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!noticed(consumer.health())) { // the restart may be over before the client sees it
      check(deadline, consumer, sizes, expected, "noticed the restart");
      TimeUnit.MILLISECONDS.sleep(1);
    }
    while (!consumer.health().session().equals(RegistryHealth.CONNECTED)) {
      check(deadline, consumer, sizes, expected, "connected again");
      TimeUnit.MILLISECONDS.sleep(1);
    }
    long connected = System.nanoTime();
    while (!reread(consumer.health(), sizes, expected)) {
      check(deadline, consumer, sizes, expected, "read everything again");
      TimeUnit.MILLISECONDS.sleep(1);
    }
    return new long[] {connected, System.nanoTime()};
  }

  private static boolean reread(RegistryHealth health, AtomicIntegerArray sizes, int expected) {
    boolean done = health.session().equals(RegistryHealth.CONNECTED)
        && health.services().values().stream()
            .noneMatch(RegistryHealth.ServiceHealth::holdingLastKnownGood);
    for (int s = 0; s < sizes.length() && done; s++) {
      done = sizes.get(s) == expected;
    }
    return done;
  }

  private static void check(long deadline, Registry consumer, AtomicIntegerArray sizes,
      int expected, String what) {
    if (System.nanoTime() < deadline) {
      return;
    }
    RegistryHealth health = consumer.health();
    long holding = health.services().values().stream()
        .filter(RegistryHealth.ServiceHealth::holdingLastKnownGood).count();
    long missing = IntStream.range(0, sizes.length()).filter(s -> sizes.get(s) != expected)
        .count();
    throw new IllegalStateException("the consumer has not " + what + " in time: session "
        + health.session() + ", " + holding + " services on their last known good view, "
        + missing + " without all " + expected + " instances");
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
