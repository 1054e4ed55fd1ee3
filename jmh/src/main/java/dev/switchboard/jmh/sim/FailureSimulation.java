package dev.switchboard.jmh.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Balancing under failure, in virtual time: three backends of equal weight without queueing
 * (latency is the service time, lognormal with median {@value #SERVICE_MILLIS} ms, σ 0.25); backend
 * #0 is broken from time 0 and answers every request at once ({@value #FAILURE_MILLIS} ms) with a
 * failure: for the whole run ({@link Fault#FAILS_FAST}), or for 2 s out of every 4
 * ({@link Fault#FLAPPING}, broken first). Poisson arrivals at a light rate (about one request in
 * flight in all) or a heavy one; {@value #SECONDS} s of virtual time; no retries, so every
 * request sent to #0 while it is broken fails.
 *
 * <p>Measured: the share of requests sent to #0 within the first second of its failure and
 * after it, and (flapping) its share while it is healthy, which shows recovery.
 *
 * <p>Reproducible from the seed, like {@link Simulation}. Not thread-safe; one run per instance.
 */
public final class FailureSimulation {
  static final double SERVICE_MILLIS = 5;
  static final double FAILURE_MILLIS = 0.1;
  static final int SECONDS = 10;
  static final int BACKENDS = 3;
  static final long FLAP_NANOS = 2_000_000_000L;
  private static final long SECOND = 1_000_000_000L;

  /** What is wrong with backend #0. */
  public enum Fault {
    /** Fails every request fast, for the whole run. */
    FAILS_FAST("fails-fast", "fails every call fast"),
    /** Fails every request fast for 2 s, then serves for 2 s, and so on. */
    FLAPPING("flapping", "fails fast 2 s, healthy 2 s, alternating");

    final String key;
    final String title;

    Fault(String key, String title) {
      this.key = key;
      this.title = title;
    }
  }

  /** The arrival rates: light (about one request in flight) and heavy. */
  public enum Load {
    LIGHT("light", 200),
    HEAVY("heavy", 2_000);

    final String key;
    final double perSecond;

    Load(String key, double perSecond) {
      this.key = key;
      this.perSecond = perSecond;
    }
  }

  /**
   * The outcome of one run. Immutable.
   *
   * @param fault what was wrong with #0
   * @param load the arrival rate
   * @param policy the balancer
   * @param requests requests simulated
   * @param shareFirstSecond the share of requests sent to #0 in the first second of its failure
   *     (for flapping, the first second of every broken phase)
   * @param shareAfter the share sent to #0 while broken, after that first second
   * @param shareHealthy (flapping) the share sent to #0 while healthy, NaN otherwise
   * @param failed the fraction of all requests that failed
   */
  public record Result(Fault fault, Load load, Policy policy, int requests,
      double shareFirstSecond, double shareAfter, double shareHealthy, double failed) {}

  private final Fault fault;
  private final Load load;
  private final BalancerStrategy strategy;
  private final EventQueue completions = new EventQueue();
  private long now;

  private FailureSimulation(Fault fault, Load load, Policy policy, SplittableRandom choices) {
    this.fault = fault;
    this.load = load;
    int[] weights = new int[BACKENDS];
    Arrays.fill(weights, Simulation.WEIGHT);
    this.strategy = policy.factory().create(weights, () -> now, choices);
  }

  /** Runs {@code policy} against {@code fault} under {@code load}, every draw from {@code seed}. */
  public static Result run(Fault fault, Load load, Policy policy, long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom arrivals = root.split();
    SplittableRandom sizes = root.split();
    SplittableRandom choices = root.split();
    return new FailureSimulation(fault, load, policy, choices).simulate(arrivals, sizes, policy);
  }

  /** Returns whether #0 is broken at {@code nanos}. */
  private boolean broken(long nanos) {
    return fault == Fault.FAILS_FAST || (nanos / FLAP_NANOS) % 2 == 0;
  }

  /** Returns whether {@code nanos} is within the first second of a broken phase. */
  private boolean firstSecond(long nanos) {
    long phaseStart = fault == Fault.FAILS_FAST ? 0 : nanos - nanos % FLAP_NANOS;
    return nanos - phaseStart < SECOND;
  }

  private Result simulate(SplittableRandom arrivals, SplittableRandom sizes, Policy policy) {
    int requests = (int) (load.perSecond * SECONDS);
    long[] tokens = new long[requests];
    int[] backendOf = new int[requests];
    boolean[] failedAt = new boolean[requests];
    long[] counts = new long[6]; // first-second: all, to #0; after: all, to #0; healthy: all, to #0
    int[] failed = new int[1];
    OpenLoop.run(requests, load.perSecond, arrivals, completions, nanos -> now = nanos,
        request -> {
          int backend = strategy.pick();
          boolean fails = backend == 0 && broken(now);
          int bucket = !broken(now) ? 4 : firstSecond(now) ? 0 : 2;
          counts[bucket]++;
          if (backend == 0) {
            counts[bucket + 1]++;
          }
          double size = StrictMath.exp(0.25 * sizes.nextGaussian());
          long service = Math.max(1, Math.round((fails ? FAILURE_MILLIS : size * SERVICE_MILLIS)
              * 1e6));
          backendOf[request] = backend;
          failedAt[request] = fails;
          failed[0] += fails ? 1 : 0;
          tokens[request] = strategy.sent(backend);
          completions.add(now + service, request);
        },
        request -> strategy.completed(backendOf[request], tokens[request], failedAt[request]));
    return new Result(fault, load, policy, requests, share(counts[1], counts[0]),
        share(counts[3], counts[2]),
        fault == Fault.FLAPPING ? share(counts[5], counts[4]) : Double.NaN,
        (double) failed[0] / requests);
  }

  private static double share(long part, long whole) {
    return whole == 0 ? Double.NaN : (double) part / whole;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "FailureSimulation{%s, %s}", fault.key, load.key);
  }
}
