package dev.switchboard.loadbalance.select;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The power of two choices: sample two distinct endpoints at random and take the one with the
 * lower cost. Nearly as good as scanning all (the load of the busiest endpoint drops from
 * log n / log log n to log log n), at constant cost per pick.
 */
public final class PowerOfTwoChoices {

  /** Scores an endpoint; lower is better. Implementations must not allocate. */
  @FunctionalInterface
  public interface Cost {
    double of(int index);
  }

  private PowerOfTwoChoices() {}

  /** Returns the cheaper of two distinct random indexes in {@code [0, n)}. */
  public static int pick(int n, Cost cost) {
    return n == 1 ? 0 : pick(n, cost, ThreadLocalRandom.current().nextLong());
  }

  /**
   * Returns the cheaper of two distinct indexes in {@code [0, n)} drawn from {@code bits} (64
   * random bits), for callers that bring their own random source, such as a seeded simulation.
   */
  public static int pick(int n, Cost cost, long bits) {
    if (n == 1) {
      return 0;
    }
    // One random draw serves both samples and the tie-break: bounded integers by Lemire's
    // multiply-shift on the two 32-bit halves (bias below n / 2^32); the tie bit is the lowest
    // bit of the high half, which barely influences the first sample.
    int a = (int) (((bits >>> 32) * n) >>> 32);
    int b = (int) (((bits & 0xffffffffL) * (n - 1)) >>> 32);
    if (b >= a) {
      b++;
    }
    return pick(a, b, cost, (bits & (1L << 32)) != 0);
  }

  /** Returns the cheaper of {@code a} and {@code b}; ties go to {@code a} if {@code preferA}. */
  public static int pick(int a, int b, Cost cost, boolean preferA) {
    double costA = cost.of(a);
    double costB = cost.of(b);
    if (costA == costB) {
      return preferA ? a : b;
    }
    return costA < costB ? a : b;
  }
}
