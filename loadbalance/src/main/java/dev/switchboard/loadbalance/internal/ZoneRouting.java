package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.select.ZonePreference;
import dev.switchboard.rpc.EndpointAttributes;
import dev.switchboard.rpc.ZoneAffinity;
import java.util.ArrayList;
import java.util.List;

/**
 * Zone-aware routing, decided each time a balancer rebuilds its picker: with a caller zone, calls
 * stay among the usable endpoints of that zone while their weight is at least the affinity's
 * share of the zone's registered weight; otherwise (or with no usable endpoint there) they go to
 * every zone. The decision is made over weights as registered, not as warmed up. Stateless.
 */
final class ZoneRouting {
  private ZoneRouting() {}

  /**
   * What to do: stay in the zone ({@link #local()}) or not, with the weights it was decided on.
   *
   * @param zone the caller's zone, or null for no affinity
   */
  record Decision(String zone, boolean local, long usableWeight, long totalWeight) {
    private boolean inZone(EndpointView endpoint) {
      return ZoneRouting.inZone(zone, endpoint);
    }

    /** Returns {@code all} with the endpoints of other zones left out. */
    List<EndpointView> apply(List<EndpointView> all) {
      List<EndpointView> routed = new ArrayList<>(all.size());
      for (EndpointView endpoint : all) {
        routed.add(inZone(endpoint) ? endpoint : endpoint.leftOutOfZone());
      }
      return routed;
    }

    /** Returns the endpoints of {@code endpoints} in the caller's zone. */
    List<EndpointView> inZone(List<EndpointView> endpoints) {
      List<EndpointView> local = new ArrayList<>();
      for (EndpointView endpoint : endpoints) {
        if (inZone(endpoint)) {
          local.add(endpoint);
        }
      }
      return local;
    }
  }

  private static final Decision EVERY_ZONE = new Decision(null, false, 0, 0);

  /** Decides for {@code affinity} (null for none) over all endpoints and the usable ones. */
  static Decision decide(ZoneAffinity affinity, List<EndpointView> all,
      List<EndpointView> usable) {
    if (affinity == null) {
      return EVERY_ZONE;
    }
    String zone = affinity.zone();
    long healthy = weightIn(zone, usable);
    long total = weightIn(zone, all);
    return new Decision(zone, ZonePreference.stayInZone(healthy, total,
        affinity.minHealthyShare()), healthy, total);
  }

  private static boolean inZone(String zone, EndpointView endpoint) {
    return zone.equals(endpoint.attributes().get(EndpointAttributes.ZONE));
  }

  /** Returns the registered weight of the endpoints of {@code endpoints} in {@code zone}. */
  private static long weightIn(String zone, List<EndpointView> endpoints) {
    long weight = 0;
    for (EndpointView endpoint : endpoints) {
      if (inZone(zone, endpoint)) {
        weight += EndpointAttributes.weight(endpoint.attributes());
      }
    }
    return weight;
  }
}
