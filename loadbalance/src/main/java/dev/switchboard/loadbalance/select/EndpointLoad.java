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
 * is tried at once (as Finagle does), and a default round trip per call in flight after that,
 * so a burst does not all land on it. A new connection starts without samples
 * ({@link #resetLatency()}): round trips measured on a connection that is gone say little about
 * its successor, and a stale peak would keep a restarted endpoint from ever being tried.
 *
 * <p>Thread-safe: counters are atomic; the average is updated under the object's lock, off the
 * pick path (reads are racy-but-safe volatile reads).
 */
public final class EndpointLoad {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongSupplier nanoClock;
  private final double decayNanos;
  private volatile double ewmaNanos;
  private long lastUpdateNanos;

  /**
   * Creates a load record whose EWMA decays over {@code decayNanos}, timed by {@code nanoClock}
   * (e.g. {@code System::nanoTime}; tests inject a fake).
   */
  public EndpointLoad(LongSupplier nanoClock, long decayNanos) {
    this.nanoClock = nanoClock;
    this.decayNanos = decayNanos;
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
    inFlight.decrementAndGet();
    long now = nanoClock.getAsLong();
    observe(now - startNanos, now);
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
  }

  /** Returns the moving average round trip in nanoseconds, 0 before the first sample. */
  public double ewmaNanos() {
    return ewmaNanos;
  }

  /** The round trip assumed for an endpoint with no sample yet: 1 ms. */
  public static final double DEFAULT_RTT_NANOS = 1_000_000;

  /**
   * Returns the cost the two-choices balancers compare: the peak-EWMA cost if
   * {@code latencyAware}, else the number of calls in flight plus one; lower is better.
   */
  public double pickCost(boolean latencyAware) {
    return latencyAware ? cost(DEFAULT_RTT_NANOS) : inFlight() + 1;
  }

  /**
   * Returns the peak-EWMA cost: {@code ewma × (inFlight + 1)}, or without a sample
   * {@code defaultRttNanos × inFlight}.
   */
  public double cost(double defaultRttNanos) {
    double ewma = ewmaNanos;
    int calls = inFlight.get();
    return ewma == 0 ? defaultRttNanos * calls : ewma * (calls + 1);
  }

  /** Forgets the round trips measured so far (the endpoint has a new connection). */
  public synchronized void resetLatency() {
    ewmaNanos = 0;
    lastUpdateNanos = 0;
  }
}
