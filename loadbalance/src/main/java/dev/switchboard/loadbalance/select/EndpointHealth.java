package dev.switchboard.loadbalance.select;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Failure accrual for one endpoint (Finagle's failure accrual, Envoy's consecutive-5xx and
 * failure-percentage outlier detection): an endpoint whose calls fail
 * {@link Rule#consecutiveFailures()} times in a row, or at {@link Rule#failureRatio()} or more of
 * at least {@link Rule#minimumCalls()} calls within {@link Rule#window()}, is <em>ejected</em>
 * for a backoff that doubles with each relapse (jittered, up to {@link Rule#maxEjectionNanos()}).
 * When the backoff ends it is <em>probing</em>: one call at a time may go to it, and the first
 * success restores it, the first failure ejects it again for longer.
 *
 * <p>It also keeps a <em>failure score</em> for the load-aware balancers: an average of recent
 * outcomes (1 for a failure, 0 for a success) that also decays with time, so that an endpoint
 * which failed recently costs more until it has proved itself again, and one that is no longer
 * picked still becomes attractive again as time passes.
 *
 * <p>What counts as a failure is the caller's decision (Switchboard's tracer counts server-side
 * status codes); this class sees outcomes only.
 *
 * <p>Thread-safe. Outcomes are recorded under the object's lock, off the pick path; the pick
 * path reads {@link #state()}, {@link #failureScore()} and {@link #tryProbe()} without a lock.
 */
public final class EndpointHealth {

  /** The endpoint takes calls. */
  public static final int HEALTHY = 0;
  /** The endpoint is out until its backoff ends. */
  public static final int EJECTED = 1;
  /** The endpoint's backoff ended: one probe call at a time may go to it. */
  public static final int PROBING = 2;

  /** What recording an outcome changed; balancers rebuild their picker on any change. */
  public enum Change {
    NONE, EJECTED, RESTORED
  }

  /**
   * When an endpoint is ejected and for how long.
   *
   * @param consecutiveFailures failures in a row that eject (at least 1)
   * @param failureRatio the failed fraction of calls within the window that ejects, in (0, 1];
   *     above 1 turns the ratio rule off
   * @param minimumCalls calls within the window before the ratio is judged (at least 1)
   * @param windowNanos the window of the ratio rule
   * @param baseEjectionNanos the first ejection's length; each relapse doubles it
   * @param maxEjectionNanos the longest ejection
   */
  public record Rule(int consecutiveFailures, double failureRatio, int minimumCalls,
      long windowNanos, long baseEjectionNanos, long maxEjectionNanos) {
    /** Validates the components. */
    public Rule {
      if (consecutiveFailures < 1 || minimumCalls < 1 || windowNanos <= 0
          || baseEjectionNanos <= 0 || maxEjectionNanos < baseEjectionNanos
          || !(failureRatio > 0)) {
        throw new IllegalArgumentException("invalid failure accrual rule " + this);
      }
    }
  }

  /**
   * The failure score's time constant in Switchboard's balancers: 250 ms, so an endpoint that
   * failed (and was not ejected) is tried again within about a second.
   */
  public static final long SCORE_DECAY_NANOS = 250_000_000L;

  /** How often balancers call {@link #tick()} while it is needed: every 250 ms. */
  public static final long TICK_NANOS = 250_000_000L;

  /** How fast the failure score follows outcomes: each outcome moves it this far. */
  private static final double SCORE_STEP = 0.25;
  /** Below this the failure score is treated as zero (a cost multiplier of 2 or less). */
  private static final double SCORE_FLOOR = 1e-2;

  /** How long a probe may stay unanswered before another may go: 10 s. */
  public static final long PROBE_TIMEOUT_NANOS = 10_000_000_000L;

  private volatile Rule rule;
  private final LongSupplier nanoClock;
  private final DoubleSupplier jitter;
  private final double scoreDecayNanos;
  private final AtomicBoolean probeInFlight = new AtomicBoolean();
  private volatile int state = HEALTHY;
  private volatile int epoch;
  private volatile double failureScore;
  private volatile long probeClaimedNanos;
  private long scoreUpdatedNanos;
  private int consecutive;
  private long windowStartNanos;
  private int windowCalls;
  private int windowFailures;
  private int ejections;
  private long ejectedUntilNanos;
  private long restoredAtNanos;

  /**
   * Creates the health of an endpoint judged by {@code rule}, timed by {@code nanoClock}, with
   * ejection lengths multiplied by {@code jitter} (e.g. a uniform value in [0.8, 1.2]). The failure
   * score decays with time constant {@code scoreDecayNanos}.
   */
  public EndpointHealth(Rule rule, LongSupplier nanoClock, DoubleSupplier jitter,
      long scoreDecayNanos) {
    this.rule = rule;
    this.nanoClock = nanoClock;
    this.jitter = jitter;
    this.scoreDecayNanos = scoreDecayNanos;
    this.windowStartNanos = nanoClock.getAsLong();
    this.scoreUpdatedNanos = windowStartNanos;
  }

  /** Returns {@link #HEALTHY}, {@link #EJECTED} or {@link #PROBING}. */
  public int state() {
    return state;
  }

  /** Returns the recent failure score, 0 (no recent failure) to 1 (every recent call failed). */
  public double failureScore() {
    return failureScore;
  }

  /** Returns how many times the endpoint was ejected since it was last healthy for long. */
  public synchronized int ejections() {
    return ejections;
  }

  /** Returns when the current ejection ends, on the clock given; meaningful while ejected. */
  public synchronized long ejectedUntilNanos() {
    return ejectedUntilNanos;
  }

  /**
   * Returns the current epoch: it changes with every change of state. Callers record it when a
   * call is sent and hand it back with the outcome, so that calls sent under an earlier state
   * (still in flight when the endpoint was ejected, say) move the score but decide nothing.
   */
  public int epoch() {
    return epoch;
  }

  /** Replaces the rule (the settings changed); the current state and counts are kept. */
  public void rule(Rule newRule) {
    this.rule = newRule;
  }

  /**
   * Claims the one probe call a probing endpoint may take; returns false if it is not probing
   * or a probe is already under way. Lock-free.
   */
  public boolean tryProbe() {
    if (state == PROBING && !probeInFlight.get() && probeInFlight.compareAndSet(false, true)) {
      probeClaimedNanos = nanoClock.getAsLong();
      return true;
    }
    return false;
  }

  /** Records a call sent in the current epoch that succeeded (the server answered). */
  public Change succeeded() {
    return succeeded(epoch);
  }

  /** Records a call sent in {@code sentEpoch} that succeeded (the server answered). */
  public synchronized Change succeeded(int sentEpoch) {
    long now = nanoClock.getAsLong();
    decayScore(now);
    failureScore = clampScore(failureScore * (1 - SCORE_STEP));
    if (sentEpoch != epoch) {
      return Change.NONE;
    }
    consecutive = 0;
    countInWindow(now, false);
    if (state == PROBING) {
      state = HEALTHY;
      epoch++;
      probeInFlight.set(false);
      restoredAtNanos = now;
      failureScore = 0;
      resetWindow(now);
      return Change.RESTORED;
    }
    return Change.NONE;
  }

  /** Records a call sent in the current epoch that failed against the endpoint. */
  public Change failed() {
    return failed(epoch);
  }

  /** Records a call sent in {@code sentEpoch} that failed in a way that counts against it. */
  public synchronized Change failed(int sentEpoch) {
    long now = nanoClock.getAsLong();
    decayScore(now);
    failureScore = failureScore * (1 - SCORE_STEP) + SCORE_STEP;
    if (sentEpoch != epoch) {
      return Change.NONE;
    }
    consecutive++;
    countInWindow(now, true);
    if (state == PROBING || (state == HEALTHY && tripped())) {
      eject(now);
      return Change.EJECTED;
    }
    return Change.NONE;
  }

  /** Records a call sent in the current epoch that ended without a verdict. */
  public void abandoned() {
    abandoned(epoch);
  }

  /**
   * Records a call sent in {@code sentEpoch} that ended without a verdict (cancelled, or failed
   * on the client's side): frees the probe if it was one, nothing else.
   */
  public synchronized void abandoned(int sentEpoch) {
    if (sentEpoch == epoch) {
      probeInFlight.set(false);
    }
  }

  /**
   * Moves an ejected endpoint whose backoff has ended to probing, frees a probe unanswered for
   * {@link #PROBE_TIMEOUT_NANOS}, and decays the failure score; returns whether the state
   * changed. Balancers call it from a timer.
   */
  public synchronized boolean tick() {
    long now = nanoClock.getAsLong();
    decayScore(now);
    if (state == EJECTED && now - ejectedUntilNanos >= 0) {
      state = PROBING;
      epoch++;
      probeInFlight.set(false);
      return true;
    }
    if (state == PROBING && probeInFlight.get()
        && now - probeClaimedNanos >= PROBE_TIMEOUT_NANOS) {
      probeInFlight.set(false); // lost (a discarded pick, a call that never ended): probe again
    }
    return false;
  }

  /** Returns whether the endpoint needs {@link #tick()}: not healthy, or with a failure score. */
  public boolean needsTicks() {
    return state != HEALTHY || failureScore > 0;
  }

  private boolean tripped() {
    Rule rule = this.rule;
    if (consecutive >= rule.consecutiveFailures()) {
      return true;
    }
    return windowCalls >= rule.minimumCalls()
        && windowFailures >= rule.failureRatio() * windowCalls;
  }

  private void eject(long now) {
    Rule rule = this.rule;
    if (ejections > 0 && state == HEALTHY && now - restoredAtNanos > rule.maxEjectionNanos()) {
      ejections = 0; // healthy for longer than the longest ejection: start the backoff afresh
    }
    int doublings = Math.min(ejections, 30);
    double length = Math.min((double) rule.maxEjectionNanos(),
        rule.baseEjectionNanos() * Math.pow(2, doublings)) * jitter.getAsDouble();
    ejections++;
    ejectedUntilNanos = now + (long) Math.min(length, (double) rule.maxEjectionNanos());
    state = EJECTED;
    epoch++;
    probeInFlight.set(false);
    consecutive = 0;
    resetWindow(now);
  }

  private void countInWindow(long now, boolean failure) {
    if (now - windowStartNanos >= rule.windowNanos()) {
      resetWindow(now);
    }
    windowCalls++;
    if (failure) {
      windowFailures++;
    }
  }

  private void resetWindow(long now) {
    windowStartNanos = now;
    windowCalls = 0;
    windowFailures = 0;
  }

  private void decayScore(long now) {
    double elapsed = now - scoreUpdatedNanos;
    scoreUpdatedNanos = now;
    if (failureScore > 0 && elapsed > 0) {
      failureScore = clampScore(failureScore * Math.exp(-elapsed / scoreDecayNanos));
    }
  }

  private static double clampScore(double score) {
    return score < SCORE_FLOOR ? 0 : score;
  }

  @Override
  public synchronized String toString() {
    String name = switch (state) {
      case EJECTED -> "EJECTED";
      case PROBING -> "PROBING";
      default -> "HEALTHY";
    };
    return "EndpointHealth{" + name + ", ejections=" + ejections + ", score="
        + String.format("%.3f", failureScore) + "}";
  }
}
