package dev.switchboard.loadbalance;

import dev.switchboard.loadbalance.internal.BalancerConfigs;
import dev.switchboard.loadbalance.internal.LoadBalancers;
import dev.switchboard.loadbalance.internal.SwitchboardLoadBalancerProvider;
import io.grpc.LoadBalancer;
import java.util.Map;

/**
 * Provides {@value Balancers#LEAST_REQUEST}: of two distinct READY instances drawn at random, the
 * one with fewer calls in flight per unit of weight ({@code (inFlight + 1) / weight}). Takes no
 * configuration. Thread-safe.
 */
public final class LeastRequestLoadBalancerProvider extends SwitchboardLoadBalancerProvider {
  public LeastRequestLoadBalancerProvider() {
    super(Balancers.LEAST_REQUEST);
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return LoadBalancers.leastRequest(helper);
  }

  @Override
  protected Object parse(Map<String, ?> rawConfig) {
    return BalancerConfigs.twoChoices(Balancers.LEAST_REQUEST, rawConfig, false);
  }
}
