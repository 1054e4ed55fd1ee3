package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Hedging for idempotent methods (gRPC's hedging policy): the first attempt goes at once, another
 * every {@code delay} without an answer, up to {@code maxAttempts} in all, each on an instance not
 * tried yet; the first answer wins and the others are cancelled. Hedges draw on the same
 * {@link RetryBudget} as retries.
 *
 * <p>Immutable.
 *
 * @param maxAttempts attempts in all, 2..{@value RetryPolicy#MAX_ATTEMPTS}
 * @param delay the wait before each further attempt, positive (e.g. the method's p95 latency)
 */
public record HedgingPolicy(int maxAttempts, Duration delay) {

  /** Validates the components, naming the value and what is allowed. */
  public HedgingPolicy {
    if (maxAttempts < 2 || maxAttempts > RetryPolicy.MAX_ATTEMPTS) {
      throw new IllegalArgumentException("hedging maxAttempts " + maxAttempts
          + " is out of range (allowed: 2.." + RetryPolicy.MAX_ATTEMPTS + ")");
    }
    requireNonNull(delay, "delay");
    if (delay.isNegative() || delay.isZero()) {
      throw new IllegalArgumentException("hedging delay " + delay + " is not positive");
    }
  }
}
