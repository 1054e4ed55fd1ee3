package dev.switchboard.loadbalance;

import dev.switchboard.loadbalance.internal.BalancerConfigs;
import dev.switchboard.loadbalance.internal.LoadBalancers;
import dev.switchboard.loadbalance.internal.SwitchboardLoadBalancerProvider;
import io.grpc.LoadBalancer;
import java.util.Map;

/**
 * Provides {@value Balancers#PEAK_EWMA}: of two distinct READY instances drawn at random, the one
 * with the lower {@code ewma(round trip) × (inFlight + 1) / weight}, where the moving average
 * jumps up to a slow response at once and decays back over the decay window. Steers traffic away
 * from an instance that turns slow within a few calls.
 *
 * <p>Configuration: {@code {"decayWindow": "10s"}} (optional, 10 s by default). Thread-safe.
 */
public final class PeakEwmaLoadBalancerProvider extends SwitchboardLoadBalancerProvider {
  public PeakEwmaLoadBalancerProvider() {
    super(Balancers.PEAK_EWMA);
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return LoadBalancers.peakEwma(helper);
  }

  @Override
  protected Object parse(Map<String, ?> rawConfig) {
    return BalancerConfigs.twoChoices(Balancers.PEAK_EWMA, rawConfig, true);
  }
}
