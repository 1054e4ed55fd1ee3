package dev.switchboard.jmh.sim;

import dev.switchboard.loadbalance.select.WeightedRandom;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Switchboard's {@code switchboard_weighted_random}: the real {@link WeightedRandom} alias table
 * over the backends in rotation, fed with draws from a seeded random through
 * {@link WeightedRandom#next(int, double)} (its no-argument {@code next()} draws from
 * {@code ThreadLocalRandom}, which cannot be seeded), with failure accrual around it.
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class SwitchboardRandom extends AccruingStrategy {
  private final SplittableRandom random;
  private WeightedRandom selector;
  private int[] backendOf;

  /** Creates the strategy over {@code weights}, drawing from {@code random}. */
  public SwitchboardRandom(int[] weights, LongSupplier clock, SplittableRandom random) {
    super(weights, clock, random, false);
    this.random = random;
  }

  @Override
  void rebuild(boolean[] inRotation) {
    backendOf = Subsets.indexes(inRotation);
    selector = new WeightedRandom(Subsets.weights(weights, backendOf));
  }

  @Override
  int choose() {
    int column = random.nextInt(selector.size());
    return backendOf[selector.next(column, random.nextDouble())];
  }
}
