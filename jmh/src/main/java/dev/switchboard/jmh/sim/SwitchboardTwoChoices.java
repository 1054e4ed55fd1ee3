package dev.switchboard.jmh.sim;

import dev.switchboard.loadbalance.select.EndpointLoad;
import dev.switchboard.loadbalance.select.PowerOfTwoChoices;
import dev.switchboard.loadbalance.select.WeightedRandom;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Switchboard's {@code switchboard_least_request} and {@code switchboard_peak_ewma}: the power of
 * two choices over the real {@link EndpointLoad} records of the backends in rotation (timed by the
 * simulation's virtual clock), with the real picker's rules
 * ({@code PowerOfTwoChoicesLoadBalancer.Picker}): two distinct uniform candidates when the weights
 * are equal, two drawn by weight otherwise ({@link PowerOfTwoChoices#pick(WeightedRandom,
 * PowerOfTwoChoices.Cost, long, long)}), ranked by {@link EndpointLoad#compare} (failure penalty,
 * alike latencies by load), 1 ms assumed for a backend without a sample, a 10 s decay window (the
 * defaults), and failure accrual around it.
 *
 * <p>The random bits come from a seeded random instead of {@code ThreadLocalRandom} (which cannot
 * be seeded).
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class SwitchboardTwoChoices extends AccruingStrategy implements PowerOfTwoChoices.Cost {
  /** The default decay window of peak EWMA ({@code decayWindow}, 10 s). */
  static final long DECAY_NANOS = 10_000_000_000L;

  private final boolean latencyAware;
  private final SplittableRandom random;
  private int[] backendOf;
  private WeightedRandom byWeight; // null when the weights in rotation are equal

  /**
   * Creates least request ({@code latencyAware} false) or peak EWMA (true) over backends of
   * {@code weights}, timed by {@code nanoClock}, drawing from {@code random}.
   */
  public SwitchboardTwoChoices(int[] weights, boolean latencyAware, LongSupplier nanoClock,
      SplittableRandom random) {
    super(weights, nanoClock, random, latencyAware);
    this.latencyAware = latencyAware;
    this.random = random;
  }

  @Override
  void rebuild(boolean[] inRotation) {
    backendOf = Subsets.indexes(inRotation);
    int[] chosen = Subsets.weights(weights, backendOf);
    boolean uniform = true;
    for (int weight : chosen) {
      uniform &= weight == chosen[0];
    }
    byWeight = uniform ? null : new WeightedRandom(chosen);
  }

  @Override
  int choose() {
    int index = byWeight == null
        ? PowerOfTwoChoices.pick(backendOf.length, this, random.nextLong())
        : PowerOfTwoChoices.pick(byWeight, this, random.nextLong(), random.nextLong());
    return backendOf[index];
  }

  @Override
  public double of(int index) {
    return loads[backendOf[index]].pickCost(latencyAware);
  }

  @Override
  public int compare(int a, int b) {
    return EndpointLoad.compare(loads[backendOf[a]], loads[backendOf[b]], latencyAware);
  }
}
