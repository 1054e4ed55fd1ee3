package dev.switchboard.jmh.sim;

import dev.switchboard.loadbalance.select.SmoothWeightedRoundRobin;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Switchboard's {@code switchboard_weighted_round_robin}: the smooth weighted round-robin
 * schedule that {@link SmoothWeightedRoundRobin#schedule(int[])} builds (the very array the real
 * picker walks) over the backends in rotation, started at a random position as the real balancer
 * does, with failure accrual around it ({@link AccruingStrategy}).
 *
 * <p>The schedule is walked here by a plain counter rather than through
 * {@link SmoothWeightedRoundRobin#next()}, because {@code next()} picks its position counter by
 * the calling thread's id, which would make the starting point, and so the output, depend on the
 * thread that runs the simulation. With one thread the sequence is the same.
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class SwitchboardRoundRobin extends AccruingStrategy {
  private final SplittableRandom random;
  private int[] schedule;
  private int[] backendOf;
  private int position;

  /** Creates the strategy over {@code weights}, started at a position drawn from {@code random}. */
  public SwitchboardRoundRobin(int[] weights, LongSupplier clock, SplittableRandom random) {
    super(weights, clock, random, false);
    this.random = random;
  }

  @Override
  void rebuild(boolean[] inRotation) {
    backendOf = Subsets.indexes(inRotation);
    schedule = SmoothWeightedRoundRobin.schedule(Subsets.weights(weights, backendOf));
    position = random.nextInt(schedule.length);
  }

  @Override
  int choose() {
    int index = schedule[position];
    position = position + 1 == schedule.length ? 0 : position + 1;
    return backendOf[index];
  }
}
