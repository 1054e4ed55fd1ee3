package dev.switchboard.jmh.sim;

import dev.switchboard.loadbalance.select.EndpointLoad;
import dev.switchboard.loadbalance.select.PowerOfTwoChoices;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Switchboard's {@code switchboard_least_request} and {@code switchboard_peak_ewma}: the power of
 * two choices over real {@link EndpointLoad} records (one per backend, timed by the simulation's
 * virtual clock), comparing the same costs as the real picker
 * ({@code PowerOfTwoChoicesLoadBalancer.Picker}): {@code (inFlight + 1) / weight} for least
 * request, {@code ewma(rtt) × (inFlight + 1) / weight} for peak EWMA, with 1 ms assumed for a
 * backend without a sample and a 10 s decay window (the defaults).
 *
 * <p>The pick is the real {@link PowerOfTwoChoices#pick(int, PowerOfTwoChoices.Cost, long)}
 * and the cost the real {@link EndpointLoad#pickCost(boolean)}, fed 64 bits from a seeded random
 * instead of {@code ThreadLocalRandom} (which cannot be seeded).
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class SwitchboardTwoChoices implements BalancerStrategy, PowerOfTwoChoices.Cost {
  /** The default decay window of peak EWMA ({@code decayWindow}, 10 s). */
  static final long DECAY_NANOS = 10_000_000_000L;

  private final boolean latencyAware;
  private final EndpointLoad[] loads;
  private final double[] inverseWeights;
  private final SplittableRandom random;

  /**
   * Creates least request ({@code latencyAware} false) or peak EWMA (true) over backends of
   * {@code weights}, timed by {@code nanoClock}, drawing from {@code random}.
   */
  public SwitchboardTwoChoices(int[] weights, boolean latencyAware, LongSupplier nanoClock,
      SplittableRandom random) {
    this.latencyAware = latencyAware;
    this.random = random;
    this.loads = new EndpointLoad[weights.length];
    this.inverseWeights = new double[weights.length];
    for (int i = 0; i < weights.length; i++) {
      loads[i] = new EndpointLoad(nanoClock, DECAY_NANOS);
      inverseWeights[i] = 1.0 / weights[i];
    }
  }

  @Override
  public int pick() {
    return PowerOfTwoChoices.pick(loads.length, this, random.nextLong());
  }

  @Override
  public double of(int index) {
    return loads[index].pickCost(latencyAware) * inverseWeights[index];
  }

  @Override
  public long sent(int backend) {
    if (latencyAware) {
      return loads[backend].started();
    }
    loads[backend].increment();
    return 0;
  }

  @Override
  public void completed(int backend, long token) {
    if (latencyAware) {
      loads[backend].finished(token);
    } else {
      loads[backend].decrement();
    }
  }
}
