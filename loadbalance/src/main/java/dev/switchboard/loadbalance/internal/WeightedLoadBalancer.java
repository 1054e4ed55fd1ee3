package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.IndexSelector;
import dev.switchboard.loadbalance.select.SmoothWeightedRoundRobin;
import dev.switchboard.loadbalance.select.WarmUp;
import dev.switchboard.loadbalance.select.WeightedRandom;
import dev.switchboard.rpc.EndpointAttributes;
import dev.switchboard.rpc.Explanation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Weighted choice over the READY endpoints in rotation by their (warmed-up) registry weight: smooth weighted
 * round robin, or weighted random. While an endpoint warms up the picker is rebuilt about 20 times
 * over the window. Not thread-safe (synchronization context only); pickers are.
 */
final class WeightedLoadBalancer extends EndpointListLoadBalancer {
  private final boolean random;
  private final Random startOffsets;
  private final Clock clock;
  private WarmUp warmUp = WarmUp.NONE;

  /** Round robin if {@code random} is false, starting each schedule at a random offset. */
  WeightedLoadBalancer(Helper helper, boolean random, Random startOffsets, Clock clock,
      LongSupplier nanoClock) {
    super(helper, nanoClock);
    this.random = random;
    this.startOffsets = startOffsets;
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
      results[i] = pickResult(ready.get(i), false, false, null);
    }
    Duration refresh = WeightedPickers.nextRefresh(ready, warmUp, now);
    if (refresh != null) {
      scheduleRefresh(refresh);
    }
    int[] weights = WeightedPickers.effectiveWeights(ready, warmUp, now);
    warming(WeightedPickers.warming(ready, weights));
    return new Picker(results, ready, all, weights, random
        ? new WeightedRandom(weights)
        : new SmoothWeightedRoundRobin(weights, startOffsets.nextInt()));
  }

  /** Picks by the selector: no lock, no allocation. */
  static final class Picker extends IndexedPicker {
    private final IndexSelector selector;
    private final int[] effectiveWeights;

    Picker(PickResult[] results, List<EndpointView> ready, List<EndpointView> all,
        int[] effectiveWeights, IndexSelector selector) {
      super(results, ready, all);
      this.effectiveWeights = effectiveWeights;
      this.selector = selector;
    }

    @Override
    int nextIndex() {
      return selector.next();
    }

    /** The picked endpoint's registry weight, and its effective weight while it warms up. */
    @Override
    void describe(Explanation.Attempt attempt, ExplainedChoice choice) {
      int weight = EndpointAttributes.weight(endpoints.get(choice.index).attributes());
      attempt.fact("weight", Integer.toString(weight));
      if (effectiveWeights[choice.index] != weight) {
        attempt.fact("effective_weight", Integer.toString(effectiveWeights[choice.index]));
      }
    }
  }
}
