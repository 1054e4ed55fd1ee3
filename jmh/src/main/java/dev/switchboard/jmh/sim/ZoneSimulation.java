package dev.switchboard.jmh.sim;

import dev.switchboard.jmh.Flags;
import dev.switchboard.rpc.ZoneAffinity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Zone-aware routing in virtual time: six backends of equal weight, three in zone A and three in
 * zone B, and clients in zone A. A request's latency is the network round trip
 * ({@value #LOCAL_RTT_MILLIS} ms within a zone, {@value #CROSS_RTT_MILLIS} ms across zones) plus
 * the service time (lognormal, median {@value #SERVICE_MILLIS} ms, σ 0.25; no queueing), or
 * {@value #FAILURE_MILLIS} ms for a backend that fails every request fast. Poisson arrivals,
 * 500 a second, {@value #SECONDS} s, no retries.
 *
 * <p>Each scenario runs every compared Switchboard balancer zone-blind and with the clients'
 * zone ({@link ZoneAffinity#DEFAULT_MIN_HEALTHY_SHARE}), on the real selection and accrual classes
 * ({@link AccruingStrategy}) and the real zone rule ({@code ZonePreference}). Measured: the share
 * of requests that crossed zones, the share that failed, and p50/p99 of all latencies.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.switchboard.jmh.sim.ZoneSimulation \
 *     [--seed 42] [--markdown docs/bench/zone-sim.md]
 * </pre>
 *
 * <p>Reproducible from the seed. Not thread-safe; one run per instance.
 */
public final class ZoneSimulation {
  static final double SERVICE_MILLIS = 5;
  static final double FAILURE_MILLIS = 0.1;
  static final double LOCAL_RTT_MILLIS = 0.25;
  static final double CROSS_RTT_MILLIS = 1.5;
  static final int SECONDS = 10;
  static final double PER_SECOND = 500;
  static final int[] ZONE_OF = {0, 0, 0, 1, 1, 1}; // backends 0-2 in A (the clients'), 3-5 in B
  static final int CLIENT_ZONE = 0;

  /** What is wrong with zone A. */
  public enum Scenario {
    HEALTHY("healthy", "both zones healthy", 0, 1),
    ONE_FAILING("one-failing", "one of zone A's three backends fails every call fast", 1, 1),
    TWO_FAILING("two-failing", "two of zone A's three backends fail every call fast", 2, 1),
    SLOW("slow", "zone A is 3× slower (every backend, no failures)", 0, 3);

    final String key;
    final String title;
    final int failing;
    final double slowdown;

    Scenario(String key, String title, int failing, double slowdown) {
      this.key = key;
      this.title = title;
      this.failing = failing;
      this.slowdown = slowdown;
    }
  }

  /**
   * One run's outcome. Immutable.
   *
   * @param crossZone the share of requests sent to zone B
   * @param failed the share of requests that failed
   */
  public record Result(Scenario scenario, String balancer, boolean zoneAware, double crossZone,
      double failed, double p50Millis, double p99Millis) {}

  /** The Switchboard balancers compared, as the simulator's policies name them. */
  static final List<String> POLICIES = List.of("sb-wrr", "sb-least-request", "sb-peak-ewma");

  private final Scenario scenario;
  private final AccruingStrategy strategy;
  private final EventQueue completions = new EventQueue();
  private long now;

  private ZoneSimulation(Scenario scenario, Policy policy, boolean zoneAware,
      SplittableRandom choices) {
    this.scenario = scenario;
    int[] weights = new int[ZONE_OF.length];
    Arrays.fill(weights, Simulation.WEIGHT);
    AccruingStrategy created =
        (AccruingStrategy) policy.factory().create(weights, () -> now, choices);
    this.strategy = zoneAware ? created.preferZone(ZONE_OF, CLIENT_ZONE,
        ZoneAffinity.DEFAULT_MIN_HEALTHY_SHARE) : created;
  }

  /** Runs one balancer, zone-blind or zone-aware, in {@code scenario}, every draw from {@code seed}. */
  public static Result run(Scenario scenario, Policy policy, boolean zoneAware, long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom arrivals = root.split();
    SplittableRandom sizes = root.split();
    SplittableRandom choices = root.split();
    return new ZoneSimulation(scenario, policy, zoneAware, choices)
        .simulate(arrivals, sizes, policy.key(), zoneAware);
  }

  /** Runs every scenario and compared balancer both ways. */
  public static List<Result> runAll(long seed) {
    List<Result> results = new ArrayList<>();
    for (Scenario scenario : Scenario.values()) {
      for (Policy policy : Policy.all()) {
        if (POLICIES.contains(policy.key())) {
          results.add(run(scenario, policy, false, seed));
          results.add(run(scenario, policy, true, seed));
        }
      }
    }
    return results;
  }

  private boolean fails(int backend) {
    return ZONE_OF[backend] == CLIENT_ZONE && backend < scenario.failing;
  }

  private Result simulate(SplittableRandom arrivals, SplittableRandom sizes, String balancer,
      boolean zoneAware) {
    int requests = (int) (PER_SECOND * SECONDS);
    long[] tokens = new long[requests];
    int[] backendOf = new int[requests];
    boolean[] failedAt = new boolean[requests];
    LatencyRecorder latencies = new LatencyRecorder(requests);
    int[] crossed = new int[1];
    int[] failed = new int[1];
    OpenLoop.run(requests, PER_SECOND, arrivals, completions, nanos -> now = nanos, request -> {
      int backend = strategy.pick();
      boolean local = ZONE_OF[backend] == CLIENT_ZONE;
      boolean fails = fails(backend);
      double size = StrictMath.exp(0.25 * sizes.nextGaussian());
      double service = fails ? FAILURE_MILLIS
          : size * SERVICE_MILLIS * (local ? scenario.slowdown : 1);
      double millis = (local ? LOCAL_RTT_MILLIS : CROSS_RTT_MILLIS) + service;
      long nanos = Math.max(1, Math.round(millis * 1e6));
      latencies.record(nanos);
      crossed[0] += local ? 0 : 1;
      failed[0] += fails ? 1 : 0;
      backendOf[request] = backend;
      failedAt[request] = fails;
      tokens[request] = strategy.sent(backend);
      completions.add(now + nanos, request);
    }, request -> strategy.completed(backendOf[request], tokens[request], failedAt[request]));
    return new Result(scenario, balancer, zoneAware, (double) crossed[0] / requests,
        (double) failed[0] / requests, latencies.percentileMillis(0.5),
        latencies.percentileMillis(0.99));
  }

  /** Returns the results as the markdown tables of the report. */
  public static String markdown(List<Result> results, long seed) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Seed %d; %d requests a second for %d s; clients in"
        + " zone A; round trip %.2f ms within a zone, %.2f ms across.%n%n", seed,
        (int) PER_SECOND, SECONDS, LOCAL_RTT_MILLIS, CROSS_RTT_MILLIS));
    for (Scenario scenario : Scenario.values()) {
      out.append("### ").append(scenario.title).append("\n\n")
          .append("| balancer | routing | cross-zone | failed | p50 ms | p99 ms |\n")
          .append("| --- | --- | --- | --- | --- | --- |\n");
      for (Result result : results) {
        if (result.scenario() == scenario) {
          out.append(String.format(Locale.ROOT, "| %s | %s | %.1f %% | %.2f %% | %.2f | %.2f |%n",
              result.balancer(), result.zoneAware() ? "zone-aware" : "zone-blind",
              100 * result.crossZone(), 100 * result.failed(), result.p50Millis(),
              result.p99Millis()));
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Runs the simulation; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    Map<String, String> flags = Flags.parse(args, List.of("seed", "markdown"));
    long seed = Long.parseLong(flags.getOrDefault("seed", "42"));
    String text = markdown(runAll(seed), seed);
    System.out.print(text);
    if (flags.containsKey("markdown")) {
      Files.writeString(Path.of(flags.get("markdown")), text);
    }
  }
}
