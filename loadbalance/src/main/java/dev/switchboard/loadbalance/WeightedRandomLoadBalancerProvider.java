package dev.switchboard.loadbalance;

import dev.switchboard.loadbalance.internal.BalancerConfigs;
import dev.switchboard.loadbalance.internal.LoadBalancers;
import dev.switchboard.loadbalance.internal.SwitchboardLoadBalancerProvider;
import io.grpc.LoadBalancer;
import java.util.Map;

/**
 * Provides {@value Balancers#WEIGHTED_RANDOM}: each call goes to a READY instance drawn at random
 * with probability proportional to its registry weight (alias method: O(1), no lock, no
 * allocation). Configuration as for {@link WeightedRoundRobinLoadBalancerProvider} (warm-up).
 * Thread-safe.
 */
public final class WeightedRandomLoadBalancerProvider extends SwitchboardLoadBalancerProvider {
  public WeightedRandomLoadBalancerProvider() {
    super(Balancers.WEIGHTED_RANDOM);
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return LoadBalancers.weightedRandom(helper);
  }

  @Override
  protected Object parse(Map<String, ?> rawConfig) {
    return BalancerConfigs.weighted(Balancers.WEIGHTED_RANDOM, rawConfig);
  }
}
