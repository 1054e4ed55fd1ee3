package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.WarmUp;
import dev.switchboard.rpc.EndpointAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Effective weights of READY endpoints, with warm-up applied. */
final class WeightedPickers {
  private WeightedPickers() {}

  /** Returns each endpoint's weight, ramped by {@code warmUp} at {@code now}. */
  static int[] effectiveWeights(List<EndpointView> endpoints, WarmUp warmUp, Instant now) {
    int[] weights = new int[endpoints.size()];
    for (int i = 0; i < weights.length; i++) {
      EndpointView endpoint = endpoints.get(i);
      weights[i] = warmUp.effectiveWeight(EndpointAttributes.weight(endpoint.attributes()),
          EndpointAttributes.startedAt(endpoint.attributes()), now);
    }
    return weights;
  }

  /**
   * Returns how many endpoints are still warming up: their effective weight (from
   * {@link #effectiveWeights}) below their full registry weight.
   */
  static int warming(List<EndpointView> endpoints, int[] effectiveWeights) {
    int warming = 0;
    for (int i = 0; i < effectiveWeights.length; i++) {
      if (effectiveWeights[i] < EndpointAttributes.weight(endpoints.get(i).attributes())) {
        warming++;
      }
    }
    return warming;
  }

  /**
   * Returns when to rebuild the picker so a warm-up ramp advances in about 20 steps, or
   * {@code null} if no endpoint is warming.
   */
  static Duration nextRefresh(List<EndpointView> endpoints, WarmUp warmUp, Instant now) {
    for (EndpointView endpoint : endpoints) {
      if (warmUp.warming(EndpointAttributes.startedAt(endpoint.attributes()), now)) {
        Duration step = warmUp.window().dividedBy(20);
        return step.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : step;
      }
    }
    return null;
  }
}
