package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.EndpointLoad;
import dev.switchboard.loadbalance.select.PowerOfTwoChoices;
import dev.switchboard.rpc.EndpointAttributes;
import java.time.Duration;
import java.util.List;

/**
 * Load-aware balancing by the power of two choices over the READY endpoints: of two distinct
 * random endpoints, the one with the lower cost, divided by its weight. Two costs:
 *
 * <ul>
 *   <li>least-request: {@code inFlight + 1};
 *   <li>peak EWMA (Finagle's): {@code ewma(round trip) × (inFlight + 1)}, see {@link EndpointLoad}.
 * </ul>
 *
 * <p>In-flight counts and round trips come from a stream tracer on every call. Not thread-safe
 * (synchronization context only); pickers are immutable apart from the shared load records.
 */
final class PowerOfTwoChoicesLoadBalancer extends EndpointListLoadBalancer {
  private final boolean latencyAware;
  private long decayNanos = Duration.ofSeconds(10).toNanos();

  PowerOfTwoChoicesLoadBalancer(Helper helper, boolean latencyAware) {
    super(helper);
    this.latencyAware = latencyAware;
  }

  @Override
  protected boolean configure(Object config) {
    // Applies to endpoints created from now on: their load records keep the window they began with.
    if (config instanceof BalancerConfigs.TwoChoices twoChoices) {
      decayNanos = twoChoices.decayWindow().toNanos();
    }
    return false;
  }

  @Override
  protected long ewmaDecayNanos() {
    return decayNanos;
  }

  @Override
  protected SubchannelPicker picker(List<EndpointView> all, List<EndpointView> ready) {
    int n = ready.size();
    PickResult[] results = new PickResult[n];
    EndpointLoad[] loads = new EndpointLoad[n];
    double[] inverseWeights = new double[n];
    for (int i = 0; i < n; i++) {
      EndpointView endpoint = ready.get(i);
      loads[i] = endpoint.load();
      inverseWeights[i] = 1.0 / EndpointAttributes.weight(endpoint.attributes());
      results[i] = PickResult.withSubchannel(endpoint.subchannel(),
          new LoadTracerFactory(endpoint.load(), latencyAware));
    }
    return new Picker(results, loads, inverseWeights, latencyAware);
  }

  static final class Picker extends IndexedPicker implements PowerOfTwoChoices.Cost {
    private final EndpointLoad[] loads;
    private final double[] inverseWeights;
    private final boolean latencyAware;

    Picker(PickResult[] results, EndpointLoad[] loads, double[] inverseWeights,
        boolean latencyAware) {
      super(results);
      this.loads = loads;
      this.inverseWeights = inverseWeights;
      this.latencyAware = latencyAware;
    }

    @Override
    public double of(int index) {
      return loads[index].pickCost(latencyAware) * inverseWeights[index];
    }

    @Override
    int nextIndex() {
      return PowerOfTwoChoices.pick(results.length, this);
    }

    @Override
    public String toString() {
      return (latencyAware ? "PeakEwmaPicker" : "LeastRequestPicker") + "{endpoints="
          + results.length + "}";
    }
  }
}
