package dev.switchboard.loadbalance.internal;

import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.SubchannelPicker;

/**
 * A picker over a fixed array of READY endpoints, whose subclasses only say which index comes
 * next; failover for retries and hedges comes with it. The results are built once, so a pick
 * allocates nothing. Thread-safe if {@link #nextIndex()} is.
 */
abstract class IndexedPicker extends SubchannelPicker implements Failover.Chooser {
  final PickResult[] results;

  IndexedPicker(PickResult[] results) {
    this.results = results;
  }

  /** Returns the index of the next endpoint. */
  abstract int nextIndex();

  @Override
  public final PickResult choose() {
    return results[nextIndex()];
  }

  @Override
  public final PickResult candidate(int index) {
    return results[index];
  }

  @Override
  public final PickResult pickSubchannel(PickSubchannelArgs args) {
    return Failover.pick(args, this, results.length);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{endpoints=" + results.length + "}";
  }
}
