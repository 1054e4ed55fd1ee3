package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.SmoothWeightedRoundRobin;
import dev.switchboard.rpc.EndpointAttributes;
import io.grpc.LoadBalancer;
import java.util.List;
import java.util.Random;

/**
 * Smooth weighted round robin over the READY endpoints, by their registry weight. Not
 * thread-safe (synchronization context only); its pickers are immutable and thread-safe.
 */
final class WeightedRoundRobinLoadBalancer extends EndpointListLoadBalancer {
  private final Random random;

  WeightedRoundRobinLoadBalancer(Helper helper, Random random) {
    super(helper);
    this.random = random;
  }

  @Override
  protected SubchannelPicker readyPicker(List<ReadyEndpoint> ready) {
    int[] weights = new int[ready.size()];
    PickResult[] results = new PickResult[ready.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = EndpointAttributes.weight(ready.get(i).attributes());
      results[i] = PickResult.withSubchannel(ready.get(i).subchannel());
    }
    return new Picker(results, new SmoothWeightedRoundRobin(weights, random.nextInt()));
  }

  /** Picks by the schedule; one atomic increment per pick, no allocation. */
  static final class Picker extends LoadBalancer.SubchannelPicker {
    private final PickResult[] results;
    private final SmoothWeightedRoundRobin selector;

    Picker(PickResult[] results, SmoothWeightedRoundRobin selector) {
      this.results = results;
      this.selector = selector;
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      return results[selector.next()];
    }

    @Override
    public String toString() {
      return "WeightedRoundRobinPicker{endpoints=" + results.length + ", cycle="
          + selector.cycleLength() + "}";
    }
  }
}
