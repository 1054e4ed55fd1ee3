package dev.switchboard.loadbalance;

import dev.switchboard.loadbalance.internal.BalancerConfigs;
import dev.switchboard.loadbalance.internal.LoadBalancers;
import dev.switchboard.loadbalance.internal.SwitchboardLoadBalancerProvider;
import io.grpc.LoadBalancer;
import java.util.Map;

/**
 * Provides {@value Balancers#WEIGHTED_ROUND_ROBIN}: smooth weighted round robin over the READY
 * instances by their registry weight, starting at a random point of the schedule so that clients
 * that start together do not all pick the same instance first.
 *
 * <p>Configuration: {@code {"warmUp": "60s", "warmUpFloor": 0.1}} ramps a new instance's weight
 * from 10 % to 100 % over its first minute (from its registered start time); both optional.
 *
 * <p>Found by gRPC through {@code META-INF/services/io.grpc.LoadBalancerProvider}. Thread-safe.
 */
public final class WeightedRoundRobinLoadBalancerProvider extends SwitchboardLoadBalancerProvider {
  public WeightedRoundRobinLoadBalancerProvider() {
    super(Balancers.WEIGHTED_ROUND_ROBIN);
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return LoadBalancers.weightedRoundRobin(helper);
  }

  @Override
  protected Object parse(Map<String, ?> rawConfig) {
    return BalancerConfigs.weighted(Balancers.WEIGHTED_ROUND_ROBIN, rawConfig);
  }
}
