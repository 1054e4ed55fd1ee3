package dev.switchboard.loadbalance.internal;

import io.grpc.LoadBalancer;
import java.time.Clock;
import java.util.Random;

/** Creates the balancers, so that their classes can stay package-private. */
public final class LoadBalancers {
  private LoadBalancers() {}

  /** Returns a smooth weighted round robin balancer. */
  public static LoadBalancer weightedRoundRobin(LoadBalancer.Helper helper) {
    return new WeightedLoadBalancer(helper, false, new Random(), Clock.systemUTC());
  }

  /** Returns a weighted random balancer. */
  public static LoadBalancer weightedRandom(LoadBalancer.Helper helper) {
    return new WeightedLoadBalancer(helper, true, new Random(), Clock.systemUTC());
  }

  /** Returns a consistent hash balancer. */
  public static LoadBalancer consistentHash(LoadBalancer.Helper helper) {
    return new ConsistentHashLoadBalancer(helper);
  }

  /** Returns a least-request (power of two choices) balancer. */
  public static LoadBalancer leastRequest(LoadBalancer.Helper helper) {
    return new PowerOfTwoChoicesLoadBalancer(helper, false);
  }

  /** Returns a peak-EWMA (power of two choices) balancer. */
  public static LoadBalancer peakEwma(LoadBalancer.Helper helper) {
    return new PowerOfTwoChoicesLoadBalancer(helper, true);
  }
}
