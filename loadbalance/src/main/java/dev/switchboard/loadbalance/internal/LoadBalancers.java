package dev.switchboard.loadbalance.internal;

import io.grpc.LoadBalancer;
import java.time.Clock;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Creates the balancers, so that their classes can stay package-private; tests pass their own
 * clocks.
 */
public final class LoadBalancers {
  private LoadBalancers() {}

  /** Returns a smooth weighted round robin balancer. */
  public static LoadBalancer weightedRoundRobin(LoadBalancer.Helper helper) {
    return weightedRoundRobin(helper, Clock.systemUTC(), System::nanoTime);
  }

  /** Returns a smooth weighted round robin balancer on the given clocks. */
  public static LoadBalancer weightedRoundRobin(LoadBalancer.Helper helper, Clock clock,
      LongSupplier nanoClock) {
    return new WeightedLoadBalancer(helper, false, new Random(), clock, nanoClock);
  }

  /** Returns a weighted random balancer. */
  public static LoadBalancer weightedRandom(LoadBalancer.Helper helper) {
    return new WeightedLoadBalancer(helper, true, new Random(), Clock.systemUTC(),
        System::nanoTime);
  }

  /** Returns a consistent hash balancer. */
  public static LoadBalancer consistentHash(LoadBalancer.Helper helper) {
    return new ConsistentHashLoadBalancer(helper, System::nanoTime);
  }

  /** Returns a least-request (power of two choices) balancer. */
  public static LoadBalancer leastRequest(LoadBalancer.Helper helper) {
    return leastRequest(helper, System::nanoTime);
  }

  /** Returns a least-request balancer on the given clock. */
  public static LoadBalancer leastRequest(LoadBalancer.Helper helper, LongSupplier nanoClock) {
    return new PowerOfTwoChoicesLoadBalancer(helper, false, nanoClock);
  }

  /** Returns a peak-EWMA (power of two choices) balancer. */
  public static LoadBalancer peakEwma(LoadBalancer.Helper helper) {
    return new PowerOfTwoChoicesLoadBalancer(helper, true, System::nanoTime);
  }
}
