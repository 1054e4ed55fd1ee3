package dev.switchboard.jmh.sim;

import dev.switchboard.loadbalance.select.SmoothWeightedRoundRobin;
import java.util.SplittableRandom;

/**
 * Switchboard's {@code switchboard_weighted_round_robin}: the smooth weighted round-robin
 * schedule that {@link SmoothWeightedRoundRobin#schedule(int[])} builds (the very array the real
 * picker walks), started at a random position as the real balancer does.
 *
 * <p>The schedule is walked here by a plain counter rather than through
 * {@link SmoothWeightedRoundRobin#next()}, because {@code next()} picks its position counter by
 * the calling thread's id, which would make the starting point, and so the output, depend on the
 * thread that runs the simulation. With one thread the sequence is the same.
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class SwitchboardRoundRobin implements BalancerStrategy {
  private final int[] schedule;
  private int position;

  /** Creates the strategy over {@code weights}, started at a position drawn from {@code random}. */
  public SwitchboardRoundRobin(int[] weights, SplittableRandom random) {
    this.schedule = SmoothWeightedRoundRobin.schedule(weights);
    this.position = random.nextInt(schedule.length);
  }

  @Override
  public int pick() {
    int index = schedule[position];
    position = position + 1 == schedule.length ? 0 : position + 1;
    return index;
  }

  @Override
  public long sent(int backend) {
    return 0;
  }

  @Override
  public void completed(int backend, long token) {}
}
