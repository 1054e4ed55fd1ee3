package dev.switchboard.loadbalance.select;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The live load of one endpoint: calls in flight, and a peak-sensitive moving average of round-trip
 * times (Finagle's peak EWMA). It outlives pickers: balancers keep one per endpoint.
 *
 * <p><b>Peak EWMA.</b> A round trip slower than the average replaces it at once (the peak); faster
 * ones pull it down with weight {@code 1 - e^(-Δt/τ)}, where Δt is the time since the last
 * update and τ the decay window. So one slow response makes the endpoint look slow immediately,
 * and it earns its way back over about τ. The cost used to compare endpoints is
 * {@code ewma × (inFlight + 1)}. An endpoint with no sample yet costs nothing while idle, so it
 * is tried at once, and a prohibitive penalty per call in flight after that, so it takes one call
 * at a time until it is measured (as in Finagle). A new connection starts without samples
 * ({@link #resetLatency()}): round trips measured on a connection that is gone say little about
 * its successor, and a stale peak would keep a restarted endpoint from ever being tried.
 *
 * <p><b>Failures.</b> A call that failed never lowers the average (a fast failure must not make
 * an endpoint look fast), and every cost is multiplied by {@link #failurePenalty} of the failure
 * score (see {@link EndpointHealth}), so an endpoint that fails fast loses every comparison
 * against a healthy one until its recent failures have decayed.
 *
 * <p>Thread-safe: counters are atomic; the average is updated under the object's lock, off the
 * pick path (reads are racy-but-safe volatile reads).
 */
public final class EndpointLoad {
  private final AtomicInteger inFlight = new AtomicInteger();
  /** How much a failure score of 1 multiplies an endpoint's cost, on top of the cost itself. */
  public static final double FAILURE_COST = 100;

  private final LongSupplier nanoClock;
  private final double decayNanos;
  private final EndpointHealth health;
  private volatile double ewmaNanos;
  private volatile double typicalNanos;
  private long lastUpdateNanos;

  /**
   * Creates a load record whose EWMA decays over {@code decayNanos}, timed by {@code nanoClock}
   * (e.g. {@code System::nanoTime}; tests inject a fake).
   */
  public EndpointLoad(LongSupplier nanoClock, long decayNanos) {
    this(nanoClock, decayNanos, new EndpointHealth(NEVER_EJECT, nanoClock, () -> 1, decayNanos));
  }

  /** Creates a load record as above whose failures are judged by {@code health}. */
  public EndpointLoad(LongSupplier nanoClock, long decayNanos, EndpointHealth health) {
    this.nanoClock = nanoClock;
    this.decayNanos = decayNanos;
    this.health = health;
  }

  /** A rule under which an endpoint is never ejected (its failure score still counts). */
  public static final EndpointHealth.Rule NEVER_EJECT = new EndpointHealth.Rule(
      Integer.MAX_VALUE, 2, Integer.MAX_VALUE, Long.MAX_VALUE, 1, 1);

  /** Returns the endpoint's failure accrual. */
  public EndpointHealth health() {
    return health;
  }

  /** Returns the calls in flight. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Records that a call started; returns its start time for {@link #finished}. */
  public long started() {
    inFlight.incrementAndGet();
    return nanoClock.getAsLong();
  }

  /** Records that a call that {@link #started} at {@code startNanos} finished. */
  public void finished(long startNanos) {
    finished(startNanos, false);
  }

  /**
   * Records that a call that {@link #started} at {@code startNanos} finished; the round trip of a
   * call that did not succeed ({@code failed}: a failure, or cut short by a cancellation or a
   * deadline) can raise the average, never lower it nor give a first sample.
   */
  public void finished(long startNanos, boolean failed) {
    inFlight.decrementAndGet();
    long now = nanoClock.getAsLong();
    long rtt = now - startNanos;
    double ewma = ewmaNanos;
    if (!failed || (ewma > 0 && rtt > ewma)) {
      observe(rtt, now);
    }
  }

  /** Records a call start without timing (for balancers that only count). */
  public void increment() {
    inFlight.incrementAndGet();
  }

  /** Records a call end without timing. */
  public void decrement() {
    inFlight.decrementAndGet();
  }

  /** Feeds one round-trip time observed at {@code nowNanos}. */
  public synchronized void observe(long rttNanos, long nowNanos) {
    double rtt = Math.max(0, rttNanos);
    double current = ewmaNanos;
    if (current == 0 || rtt > current) {
      ewmaNanos = rtt;
    } else {
      double elapsed = Math.max(0, nowNanos - lastUpdateNanos);
      double keep = Math.exp(-elapsed / decayNanos);
      ewmaNanos = current * keep + rtt * (1 - keep);
    }
    lastUpdateNanos = nowNanos;
    double typical = typicalNanos;
    if (typical == 0) {
      typicalNanos = rtt;
    } else if (rtt < typical) {
      typicalNanos = typical * (1 - TYPICAL_STEP_DOWN) + TYPICAL_STEP_DOWN * rtt;
    } else {
      typicalNanos = typical * (1 - TYPICAL_STEP_UP) + TYPICAL_STEP_UP * Math.min(rtt, 2 * typical);
    }
  }

  /** How far each slower round trip moves the typical latency (up to double its share). */
  private static final double TYPICAL_STEP_UP = 0.2;
  /** How far each faster round trip moves it: first calls on a cold connection are slow. */
  private static final double TYPICAL_STEP_DOWN = 0.5;

  /**
   * Returns the typical round trip in nanoseconds (0 before the first sample): a moving average
   * in which one slower round trip counts at most double, so that an isolated spike barely moves
   * it while a lasting slowdown doubles it within about four calls; faster ones pull it down by
   * half each.
   */
  public double typicalNanos() {
    return typicalNanos;
  }

  /** Returns the moving average round trip in nanoseconds, 0 before the first sample. */
  public double ewmaNanos() {
    return ewmaNanos;
  }

  /** The round trip assumed for an endpoint with no sample yet but recent failures: 1 ms. */
  public static final double DEFAULT_RTT_NANOS = 1_000_000;

  /**
   * Returns the cost the two-choices balancers compare: the peak-EWMA cost if
   * {@code latencyAware}, else the number of calls in flight plus one, times the failure
   * penalty; lower is better.
   */
  public double pickCost(boolean latencyAware) {
    double score = health.failureScore();
    if (score == 0) {
      return latencyAware ? cost() : inFlight() + 1;
    }
    // An unsampled endpoint is free while idle; one with recent failures is not.
    double cost = latencyAware && ewmaNanos != 0 ? cost()
        : (latencyAware ? DEFAULT_RTT_NANOS : 1) * (inFlight() + 1);
    return cost * failurePenalty(score);
  }

  /**
   * Returns the cost multiplier of a failure score s: {@code 1 + FAILURE_COST × s / (1 − s)}
   * (with 1 − s at least 0.001). It grows without practical bound as every recent call fails
   * (×34 after one failure, ×1,000 after eight in a row, about ×100,000 at most), so an endpoint
   * that keeps failing fast loses to a healthy one however loaded that is.
   */
  public static double failurePenalty(double score) {
    return 1 + FAILURE_COST * score / Math.max(1 - score, 1e-3);
  }

  /**
   * The cost of an endpoint without a sample that already has a call in flight (Finagle's
   * penalty): so high that it takes one call at a time until its first round trip is measured.
   */
  public static final double UNMEASURED_BUSY_NANOS = 1e12;

  /**
   * Returns the peak-EWMA cost: {@code ewma × (inFlight + 1)}; without a sample, 0 while idle and
   * {@link #UNMEASURED_BUSY_NANOS} per call in flight.
   */
  public double cost() {
    double ewma = ewmaNanos;
    int calls = inFlight.get();
    return ewma == 0 ? UNMEASURED_BUSY_NANOS * calls : ewma * (calls + 1);
  }

  /**
   * Typical latencies within this factor of each other count as alike: {@link #compare} then
   * ranks by calls in flight (and failures) alone. Round trips jitter, and a peak-sensitive
   * average keeps the highest of them for about its decay window, so comparing peak averages of
   * endpoints that are really alike ranks them by noise, and one drawn rarely (a light weight)
   * keeps a stale peak and starves: measured on loopback with weights 1:2:3, the weight-1
   * instance got 3 % of sequential calls instead of 17 %.
   */
  public static final double ALIKE_LATENCY = 2.0;

  /**
   * Ranks two endpoints for the two-choices balancers: negative if {@code a} is better, positive
   * if {@code b}, 0 for a tie. Least-request ({@code latencyAware} false) compares
   * {@link #pickCost}; peak EWMA does too, with the peak-EWMA cost, unless the two have
   * {@linkplain #typicalNanos() typical latencies} within {@link #ALIKE_LATENCY} of each other,
   * when it compares them as least-request does.
   */
  public static int compare(EndpointLoad a, EndpointLoad b, boolean latencyAware) {
    if (latencyAware && alike(a, b)) {
      latencyAware = false;
    }
    return Double.compare(a.pickCost(latencyAware), b.pickCost(latencyAware));
  }

  /**
   * Returns whether both endpoints have typical latencies, within {@link #ALIKE_LATENCY} of each
   * other: peak EWMA then ranks them by calls in flight (see {@link #compare}).
   */
  public static boolean alike(EndpointLoad a, EndpointLoad b) {
    double typicalA = a.typicalNanos;
    double typicalB = b.typicalNanos;
    return typicalA > 0 && typicalB > 0 && typicalA < typicalB * ALIKE_LATENCY
        && typicalB < typicalA * ALIKE_LATENCY;
  }

  /** How long peak EWMA keeps the round trips of an endpoint it does not measure: 1 s. */
  public static final long STALE_AFTER_NANOS = 1_000_000_000L;

  /**
   * Forgets the round trips if the last one was measured {@code staleNanos} or more before
   * {@code nowNanos}; returns whether it did. An endpoint that is not picked is not measured, so
   * a peak would otherwise keep it unpicked for good: forgotten, it is tried again at once.
   */
  public synchronized boolean forgetIfStale(long nowNanos, long staleNanos) {
    if (ewmaNanos != 0 && nowNanos - lastUpdateNanos >= staleNanos) {
      resetLatency();
      return true;
    }
    return false;
  }

  /** Forgets the round trips measured so far (the endpoint has a new connection). */
  public synchronized void resetLatency() {
    ewmaNanos = 0;
    typicalNanos = 0;
    lastUpdateNanos = 0;
  }
}
