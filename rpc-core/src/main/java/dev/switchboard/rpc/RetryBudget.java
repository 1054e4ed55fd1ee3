package dev.switchboard.rpc;

/**
 * Caps retries and hedges per channel so that they cannot multiply an outage: each call earns
 * {@code ratio} of a retry, and {@code minPerSecond} retries per second are always allowed, with at
 * most {@code ratio × 100 + minPerSecond} saved up. When every instance fails, attempts stay below
 * {@code (1 + ratio) × calls + minPerSecond × seconds}. A retry refused by the budget is not
 * made: the call fails {@code UNAVAILABLE}, saying so.
 *
 * <p>Immutable.
 *
 * @param ratio the fraction of calls that may be retried, 0..1 (default 0.2)
 * @param minPerSecond retries per second allowed whatever the call rate, 0..1000 (default 10)
 */
public record RetryBudget(double ratio, double minPerSecond) {

  /** 20 % of calls, plus 10 retries per second. */
  public static final RetryBudget DEFAULT = new RetryBudget(0.2, 10);

  /** Validates the components. */
  public RetryBudget {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("retry budget ratio " + ratio
          + " is out of range (allowed: 0..1)");
    }
    if (!(minPerSecond >= 0 && minPerSecond <= 1_000)) {
      throw new IllegalArgumentException("retry budget minPerSecond " + minPerSecond
          + " is out of range (allowed: 0..1000)");
    }
  }
}
