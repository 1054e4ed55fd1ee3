package dev.switchboard.loadbalance.internal;

import io.grpc.LoadBalancer;
import java.util.Random;

/** Creates the balancers, so that their classes can stay package-private. */
public final class LoadBalancers {
  private LoadBalancers() {}

  /** Returns a smooth weighted round robin balancer. */
  public static LoadBalancer weightedRoundRobin(LoadBalancer.Helper helper) {
    return new WeightedRoundRobinLoadBalancer(helper, new Random());
  }
}
