package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.EndpointLoad;
import dev.switchboard.loadbalance.select.PowerOfTwoChoices;
import dev.switchboard.loadbalance.select.WeightedRandom;
import dev.switchboard.rpc.EndpointAttributes;
import dev.switchboard.rpc.Explanation;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Load-aware balancing by the power of two choices over the READY endpoints in rotation: of two
 * candidates, the one with the lower cost. Two costs:
 *
 * <ul>
 *   <li>least-request: {@code inFlight + 1};
 *   <li>peak EWMA (Finagle's): {@code ewma(round trip) × (inFlight + 1)}, see {@link EndpointLoad};
 * </ul>
 *
 * <p>both multiplied by the endpoint's recent failure penalty, so a fast-failing endpoint never
 * looks cheap. Peak EWMA ranks endpoints whose latencies are alike (within
 * {@link EndpointLoad#ALIKE_LATENCY}) as least-request does, so jitter does not decide, and
 * forgets the round trips of an endpoint not measured for a second, so a stale peak cannot keep it
 * unpicked (it is tried again at once: about one call a second to an instance that stays slow). With equal weights the two candidates are distinct and uniform; with unequal
 * weights they are drawn independently by weight and compared unweighted (see
 * {@link PowerOfTwoChoices#pick(WeightedRandom, PowerOfTwoChoices.Cost)}), so light traffic
 * follows the weights exactly.
 *
 * <p>In-flight counts, round trips and outcomes come from a stream tracer on every call. Not
 * thread-safe (synchronization context only); pickers are immutable apart from the shared load
 * records.
 */
final class PowerOfTwoChoicesLoadBalancer extends EndpointListLoadBalancer {
  private final boolean latencyAware;
  private long decayNanos = BalancerConfigs.DEFAULT_DECAY.toNanos();

  PowerOfTwoChoicesLoadBalancer(Helper helper, boolean latencyAware, LongSupplier nanoClock) {
    super(helper, nanoClock);
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
  protected boolean ticksAlways() {
    return true; // failure scores fade, and stale round trips are forgotten, on ticks
  }

  @Override
  protected void onTick(EndpointLoad load, long nowNanos) {
    if (latencyAware) {
      load.forgetIfStale(nowNanos, EndpointLoad.STALE_AFTER_NANOS);
    }
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
    int[] weights = new int[n];
    boolean uniform = true;
    for (int i = 0; i < n; i++) {
      EndpointView endpoint = ready.get(i);
      loads[i] = endpoint.load();
      weights[i] = EndpointAttributes.weight(endpoint.attributes());
      uniform &= weights[i] == weights[0];
      results[i] = pickResult(endpoint, true, latencyAware, null);
    }
    return new Picker(results, ready, all, loads, uniform ? null : new WeightedRandom(weights),
        latencyAware);
  }

  static final class Picker extends IndexedPicker implements PowerOfTwoChoices.Cost {
    private final EndpointLoad[] loads;
    private final WeightedRandom weights; // null when every weight is equal
    private final boolean latencyAware;

    Picker(PickResult[] results, List<EndpointView> ready, List<EndpointView> all,
        EndpointLoad[] loads, WeightedRandom weights, boolean latencyAware) {
      super(results, ready, all);
      this.loads = loads;
      this.weights = weights;
      this.latencyAware = latencyAware;
    }

    @Override
    public double of(int index) {
      return loads[index].pickCost(latencyAware);
    }

    @Override
    public int compare(int a, int b) {
      return EndpointLoad.compare(loads[a], loads[b], latencyAware);
    }

    @Override
    int nextIndex() {
      return weights == null ? PowerOfTwoChoices.pick(results.length, this)
          : PowerOfTwoChoices.pick(weights, this);
    }

    /** The same pick, through a cost that notes the two candidates it compares and their costs. */
    @Override
    int nextIndex(ExplainedChoice choice) {
      PowerOfTwoChoices.Cost noting = new PowerOfTwoChoices.Cost() {
        @Override
        public double of(int index) {
          return Picker.this.of(index);
        }

        @Override
        public int compare(int a, int b) {
          choice.first = a;
          choice.second = b;
          choice.firstCost = of(a);
          choice.secondCost = of(b);
          return Picker.this.compare(a, b);
        }
      };
      return weights == null ? PowerOfTwoChoices.pick(results.length, noting)
          : PowerOfTwoChoices.pick(weights, noting);
    }

    /**
     * The two candidates with their costs and calls in flight (one when there was nothing to
     * compare: a single endpoint, both draws alike, or a systematic look for a retry).
     */
    @Override
    void describe(Explanation.Attempt attempt, ExplainedChoice choice) {
      StringBuilder candidates = new StringBuilder("[");
      if (choice.first >= 0) {
        candidate(candidates, choice.first, choice.firstCost).append(", ");
        candidate(candidates, choice.second, choice.secondCost);
      } else {
        candidate(candidates, choice.index, of(choice.index));
      }
      attempt.fact("candidates", candidates.append(']').toString());
      if (latencyAware && choice.first >= 0
          && EndpointLoad.alike(loads[choice.first], loads[choice.second])) {
        attempt.fact("compared_by", "inflight"); // latencies alike: ranked as least-request
      }
    }

    private StringBuilder candidate(StringBuilder text, int index, double cost) {
      EndpointLoad load = loads[index];
      text.append(ExplainFacts.label(endpoints.get(index))).append(" cost=");
      if (latencyAware && load.ewmaNanos() == 0 && load.health().failureScore() == 0) {
        text.append("unmeasured"); // free while idle, prohibitive while busy
      } else {
        text.append(latencyAware ? ExplainFacts.millis(cost) : ExplainFacts.number(cost));
      }
      text.append(" inflight=").append(load.inFlight());
      double score = load.health().failureScore();
      if (score > 0) {
        text.append(" penalty=x").append(ExplainFacts.number(EndpointLoad.failurePenalty(score)));
      }
      return text;
    }

    @Override
    public String toString() {
      return (latencyAware ? "PeakEwmaPicker" : "LeastRequestPicker") + "{endpoints="
          + results.length + ", weighted=" + (weights != null) + "}";
    }
  }
}
