package dev.switchboard.loadbalance;

import dev.switchboard.loadbalance.internal.LoadBalancers;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver.ConfigOrError;
import java.util.Map;

/**
 * Provides {@value Balancers#WEIGHTED_ROUND_ROBIN}: smooth weighted round robin over the READY
 * instances by their registry weight, starting at a random point of the schedule so that clients
 * that start together do not all pick the same instance first. It takes no configuration.
 *
 * <p>Found by gRPC through {@code META-INF/services/io.grpc.LoadBalancerProvider}. Thread-safe.
 */
public final class WeightedRoundRobinLoadBalancerProvider extends LoadBalancerProvider {

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public int getPriority() {
    return 5;
  }

  @Override
  public String getPolicyName() {
    return Balancers.WEIGHTED_ROUND_ROBIN;
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return LoadBalancers.weightedRoundRobin(helper);
  }

  @Override
  public ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
    return ConfigOrError.fromConfig(Balancers.WEIGHTED_ROUND_ROBIN);
  }
}
