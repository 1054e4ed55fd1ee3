package dev.switchboard.discovery.zk.internal;

import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ServiceInstance;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Empty-list and mass-drop protection for one watched service. The reference is the largest view
 * seen within the protection window; when the live view holds fewer than half as many instances
 * (an empty push, a deleted subtree, a ZooKeeper bug, or the same spread over several updates),
 * the vanished instances are kept, for at most the window, beside whatever is live: new
 * instances still arrive at once, and a genuine drop is believed when the window ends. Losing a
 * few instances is never held: the balancers' connection state handles those. Nor is the
 * departure of instances that announced it by publishing {@code DRAINING} first (a graceful
 * shutdown): only unannounced disappearance is suspicious.
 *
 * <p>Not thread-safe: used on the registry executor.
 */
final class DropProtection {
  /** What {@link #apply} decided, so the caller can log transitions. */
  enum Outcome { PASSED, HOLDING, STARTED_HOLDING, RELEASED, EXPIRED }

  private final long windowNanos;
  private List<ServiceInstance> reference;
  private long referenceSince;
  private long holdingSince;
  private boolean holding;
  private Outcome lastOutcome = Outcome.PASSED;

  DropProtection(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /** Returns the instances to publish for the live view {@code live} at {@code nowNanos}. */
  List<ServiceInstance> apply(List<ServiceInstance> live, long nowNanos) {
    if (windowNanos == 0) {
      lastOutcome = Outcome.PASSED;
      return live;
    }
    forgetAnnouncedDepartures(live);
    if (!holding && (reference == null || nowNanos - referenceSince >= windowNanos
        || serving(live) >= serving(reference))) {
      reference = live;
      referenceSince = nowNanos;
    }
    if (live.size() * 2 >= serving(reference)) {
      lastOutcome = holding ? Outcome.RELEASED : Outcome.PASSED;
      holding = false;
      return live;
    }
    if (!holding) {
      holding = true;
      holdingSince = nowNanos;
      lastOutcome = Outcome.STARTED_HOLDING;
    } else if (nowNanos - holdingSince >= windowNanos) {
      holding = false;
      reference = live;
      referenceSince = nowNanos;
      lastOutcome = Outcome.EXPIRED;
      return live;
    } else {
      lastOutcome = Outcome.HOLDING;
    }
    Set<String> present = new HashSet<>();
    for (ServiceInstance instance : live) {
      present.add(endpoint(instance));
    }
    List<ServiceInstance> kept = new ArrayList<>(live);
    for (ServiceInstance instance : reference) {
      if (instance.state() == InstanceState.SERVING && present.add(endpoint(instance))) {
        kept.add(instance);
      }
    }
    return List.copyOf(kept);
  }

  /** Drops from the reference every instance the live view shows DRAINING. */
  private void forgetAnnouncedDepartures(List<ServiceInstance> live) {
    if (reference == null) {
      return;
    }
    Set<String> draining = new HashSet<>();
    for (ServiceInstance instance : live) {
      if (instance.state() == InstanceState.DRAINING) {
        draining.add(endpoint(instance));
      }
    }
    if (!draining.isEmpty()) {
      reference = reference.stream().filter(i -> !draining.contains(endpoint(i))).toList();
    }
  }

  /** Forgets the reference, e.g. when it came from a stale disk snapshot. */
  void reset() {
    reference = null;
    holding = false;
  }

  Outcome lastOutcome() {
    return lastOutcome;
  }

  /** Returns the number of serving instances in the reference view. */
  int trustedSize() {
    return reference == null ? 0 : serving(reference);
  }

  /** Returns when the current hold ends; meaningful while holding. */
  long holdEndsAtNanos() {
    return holdingSince + windowNanos;
  }

  boolean holding() {
    return holding;
  }

  private static int serving(List<ServiceInstance> instances) {
    int serving = 0;
    for (ServiceInstance instance : instances) {
      if (instance.state() == InstanceState.SERVING) {
        serving++;
      }
    }
    return serving;
  }

  private static String endpoint(ServiceInstance instance) {
    return instance.host() + ":" + instance.port();
  }
}
