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

    /** Ranks two endpoints: negative if {@code a} is better, positive if {@code b}, 0 for a tie. */
    default int compare(int a, int b) {
      return Double.compare(of(a), of(b));
    }
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

  /**
   * Returns the cheaper of two indexes drawn independently by weight from {@code weights}, ties
   * broken at random: Envoy's rule for unequal weights. The candidates are drawn by weight and
   * compared by their unweighted cost, so under light load (equal costs) each index is chosen in
   * exact proportion to its weight, and under load the less loaded of the two still wins. (Scaling
   * the cost by the weight instead makes the heavier of any pair win every tie, starving light
   * weights when there is little load.)
   */
  public static int pick(WeightedRandom weights, Cost cost) {
    if (weights.size() == 1) {
      return 0;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return pick(weights, cost, random.nextLong(), random.nextLong());
  }

  /** As {@link #pick(WeightedRandom, Cost)}, from 128 random bits given by the caller. */
  public static int pick(WeightedRandom weights, Cost cost, long bits, long moreBits) {
    int n = weights.size();
    int columnA = (int) (((bits >>> 32) * n) >>> 32);
    int columnB = (int) (((bits & 0xffffffffL) * n) >>> 32);
    double coinA = (moreBits >>> 38) * 0x1.0p-26;
    double coinB = ((moreBits >>> 12) & 0x3ffffff) * 0x1.0p-26;
    int a = weights.next(columnA, coinA);
    int b = weights.next(columnB, coinB);
    return a == b ? a : pick(a, b, cost, (moreBits & 1) != 0);
  }

  /** Returns the cheaper of {@code a} and {@code b}; ties go to {@code a} if {@code preferA}. */
  public static int pick(int a, int b, Cost cost, boolean preferA) {
    int order = cost.compare(a, b);
    if (order == 0) {
      return preferA ? a : b;
    }
    return order < 0 ? a : b;
  }
}
