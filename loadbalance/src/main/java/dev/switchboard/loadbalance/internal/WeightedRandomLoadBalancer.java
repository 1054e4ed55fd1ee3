package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.WarmUp;
import dev.switchboard.loadbalance.select.WeightedRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Weighted random over the READY endpoints (alias method, O(1) per pick), by their (warmed-up)
 * registry weight. Not thread-safe (synchronization context only); pickers are thread-safe.
 */
final class WeightedRandomLoadBalancer extends EndpointListLoadBalancer {
  private WarmUp warmUp = WarmUp.NONE;
  private final Clock clock;

  WeightedRandomLoadBalancer(Helper helper, Clock clock) {
    super(helper);
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
    return new Picker(results,
        new WeightedRandom(WeightedPickers.effectiveWeights(ready, warmUp, now)));
  }

  static final class Picker extends SubchannelPicker implements Failover.Chooser {
    private final PickResult[] results;
    private final WeightedRandom selector;

    Picker(PickResult[] results, WeightedRandom selector) {
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
      return "WeightedRandomPicker{endpoints=" + results.length + "}";
    }
  }
}
