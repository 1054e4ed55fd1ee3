package dev.switchboard.jmh.sim;

import dev.switchboard.loadbalance.select.WeightedRandom;
import java.util.SplittableRandom;

/**
 * Switchboard's {@code switchboard_weighted_random}: the real {@link WeightedRandom} alias table,
 * fed with draws from a seeded random through {@link WeightedRandom#next(int, double)} (its
 * no-argument {@code next()} draws from {@code ThreadLocalRandom}, which cannot be seeded).
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class SwitchboardRandom implements BalancerStrategy {
  private final WeightedRandom selector;
  private final SplittableRandom random;

  /** Creates the strategy over {@code weights}, drawing from {@code random}. */
  public SwitchboardRandom(int[] weights, SplittableRandom random) {
    this.selector = new WeightedRandom(weights);
    this.random = random;
  }

  @Override
  public int pick() {
    int column = random.nextInt(selector.size());
    return selector.next(column, random.nextDouble());
  }

  @Override
  public long sent(int backend) {
    return 0;
  }

  @Override
  public void completed(int backend, long token) {}
}
