package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.SmoothWeightedRoundRobin;
import dev.switchboard.loadbalance.select.WarmUp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Smooth weighted round robin over the READY endpoints, by their (warmed-up) registry weight.
 * Not thread-safe (synchronization context only); its pickers are immutable and thread-safe.
 */
final class WeightedRoundRobinLoadBalancer extends EndpointListLoadBalancer {
  private final Random random;
  private WarmUp warmUp = WarmUp.NONE;
  private final Clock clock;

  WeightedRoundRobinLoadBalancer(Helper helper, Random random, Clock clock) {
    super(helper);
    this.random = random;
    this.clock = clock;
  }

  @Override
  protected boolean configure(Object config) {
    if (config instanceof BalancerConfigs.Weighted weighted && !weighted.warmUp().equals(warmUp)) {
      warmUp = weighted.warmUp();
      return true;
    }
    return false;
  }

  @Override
  protected SubchannelPicker picker(List<EndpointView> all, List<EndpointView> ready) {
    Instant now = clock.instant();
    PickResult[] results = new PickResult[ready.size()];
    for (int i = 0; i < results.length; i++) {
      results[i] = PickResult.withSubchannel(ready.get(i).subchannel());
    }
    Duration refresh = WeightedPickers.nextRefresh(ready, warmUp, now);
    if (refresh != null) {
      scheduleRefresh(refresh);
    }
    return new Picker(results, new SmoothWeightedRoundRobin(
        WeightedPickers.effectiveWeights(ready, warmUp, now), random.nextInt()));
  }

  /** Picks by the schedule; one atomic increment per pick, no allocation. */
  static final class Picker extends SubchannelPicker implements Failover.Chooser {
    private final PickResult[] results;
    private final SmoothWeightedRoundRobin selector;

    Picker(PickResult[] results, SmoothWeightedRoundRobin selector) {
      this.results = results;
      this.selector = selector;
    }

    @Override
    public PickResult choose() {
      return results[selector.next()];
    }

    @Override
    public PickResult candidate(int index) {
      return results[index];
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      return Failover.pick(args, this, results.length);
    }

    @Override
    public String toString() {
      return "WeightedRoundRobinPicker{endpoints=" + results.length + ", cycle="
          + selector.cycleLength() + "}";
    }
  }
}
