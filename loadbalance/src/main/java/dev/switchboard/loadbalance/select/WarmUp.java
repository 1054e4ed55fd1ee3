package dev.switchboard.loadbalance.select;

import java.time.Duration;
import java.time.Instant;

/**
 * Slow start: a new instance's effective weight ramps linearly from a floor to its full weight
 * over a window measured from the instance's start, so a cold JVM (empty caches, JIT not warm) is
 * not handed its full share at once.
 *
 * @param window how long the ramp lasts; zero disables warm-up
 * @param floor the fraction of the weight given at start, in (0, 1]
 */
public record WarmUp(Duration window, double floor) {
  /** No warm-up. */
  public static final WarmUp NONE = new WarmUp(Duration.ZERO, 1.0);

  /** Validates the window (not negative) and the floor (in (0, 1]). */
  public WarmUp {
    if (window.isNegative()) {
      throw new IllegalArgumentException("warm-up window " + window + " is negative");
    }
    if (!(floor > 0 && floor <= 1)) {
      throw new IllegalArgumentException("warm-up floor " + floor + " is out of range (0, 1]");
    }
  }

  /** Returns {@code weight} scaled for an instance started at {@code startedAt}, seen at {@code now}. */
  public int effectiveWeight(int weight, Instant startedAt, Instant now) {
    if (window.isZero()) {
      return weight;
    }
    long windowMillis = window.toMillis();
    long age = Duration.between(startedAt, now).toMillis();
    if (age >= windowMillis) {
      return weight;
    }
    double fraction = floor + (1 - floor) * Math.max(0, age) / windowMillis;
    return Math.max(1, (int) Math.round(weight * fraction));
  }

  /** Returns whether an instance started at {@code startedAt} is still warming at {@code now}. */
  public boolean warming(Instant startedAt, Instant now) {
    return !window.isZero() && Duration.between(startedAt, now).compareTo(window) < 0;
  }
}
