package dev.switchboard.loadbalance.select;

import java.time.Duration;
import java.time.Instant;

/**
 * Slow start: a new instance's effective weight ramps linearly from a floor to its full weight
 * over a window measured from the instance's start, so a cold JVM (empty caches, JIT not warm) is
 * not handed its full share at once.
 *
 * <p>The arithmetic never overflows: any instants (even {@link Instant#MIN} and
 * {@link Instant#MAX}) and any window give a weight between the floor's share (at least 1) and
 * the full weight. A start time in the future (clock skew) counts as just started. Immutable and
 * thread-safe.
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
    // Duration.between cannot overflow for any two instants; seconds as a double cannot either
    // (toMillis() would, for ages or windows beyond 292 million years).
    Duration age = Duration.between(startedAt, now);
    if (age.compareTo(window) >= 0) {
      return weight;
    }
    double ramp = Math.max(0, seconds(age)) / seconds(window); // in [0, 1): age < window
    double fraction = Math.min(1, floor + (1 - floor) * ramp);
    return Math.max(1, (int) Math.round(weight * fraction));
  }

  private static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNano() / 1e9;
  }

  /** Returns whether an instance started at {@code startedAt} is still warming at {@code now}. */
  public boolean warming(Instant startedAt, Instant now) {
    return !window.isZero() && Duration.between(startedAt, now).compareTo(window) < 0;
  }
}
