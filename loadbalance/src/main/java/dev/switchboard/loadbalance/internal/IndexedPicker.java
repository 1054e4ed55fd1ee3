package dev.switchboard.loadbalance.internal;

import dev.switchboard.rpc.Explanation;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.SubchannelPicker;
import java.util.List;

/**
 * A picker over a fixed array of READY endpoints, whose subclasses only say which index comes
 * next; failover for retries and hedges comes with it, and so does "explain this call": an
 * explained pick makes the same choice through {@link #nextIndex(ExplainedChoice)} and the
 * subclass describes it in {@link #describe}. The results are built once, so an ordinary pick
 * allocates nothing. Thread-safe if {@link #nextIndex()} is.
 */
abstract class IndexedPicker extends SubchannelPicker implements Failover.Chooser {
  final PickResult[] results;
  /** The endpoint of each result, in the same order. */
  final List<EndpointView> endpoints;
  /** Every endpoint when the picker was built, READY or not: for {@code excluded}. */
  private final List<EndpointView> all;

  IndexedPicker(PickResult[] results, List<EndpointView> endpoints, List<EndpointView> all) {
    this.results = results;
    this.endpoints = endpoints;
    this.all = all;
  }

  /** Returns the index of the next endpoint. */
  abstract int nextIndex();

  /**
   * Returns the index of the next endpoint for an explained pick, chosen exactly as
   * {@link #nextIndex()} chooses, noting in {@code choice} what decided it; by default
   * {@link #nextIndex()}.
   */
  int nextIndex(ExplainedChoice choice) {
    return nextIndex();
  }

  /** Writes this balancer's facts about the endpoint {@code choice} chose to {@code attempt}. */
  abstract void describe(Explanation.Attempt attempt, ExplainedChoice choice);

  @Override
  public final PickResult choose() {
    return results[nextIndex()];
  }

  @Override
  public final PickResult candidate(int index) {
    return results[index];
  }

  @Override
  public final Failover.Explained explained() {
    return new ExplainedChoice();
  }

  @Override
  public final PickResult pickSubchannel(PickSubchannelArgs args) {
    return Failover.pick(args, this, results.length);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{endpoints=" + results.length + "}";
  }

  /**
   * One explained pick: the index chosen last and, for two-choices pickers, the two candidates
   * compared and their costs then. Not thread-safe: one per pick.
   */
  final class ExplainedChoice implements Failover.Explained {
    int index = -1;
    int first = -1;
    int second = -1;
    double firstCost;
    double secondCost;

    @Override
    public PickResult choose() {
      first = -1;
      second = -1;
      index = nextIndex(this);
      return results[index];
    }

    @Override
    public PickResult candidate(int candidate) {
      first = -1; // a systematic look, no comparison
      second = -1;
      index = candidate;
      return results[candidate];
    }

    @Override
    public void describe(Explanation.Attempt attempt) {
      attempt.picked(ExplainFacts.label(endpoints.get(index)));
      IndexedPicker.this.describe(attempt, this);
      attempt.fact("excluded", ExplainFacts.excluded(all));
    }
  }
}
