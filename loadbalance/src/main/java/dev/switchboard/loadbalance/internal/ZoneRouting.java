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
      return zone.equals(endpoint.attributes().get(EndpointAttributes.ZONE));
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
    long total = 0;
    for (EndpointView endpoint : all) {
      if (zone.equals(endpoint.attributes().get(EndpointAttributes.ZONE))) {
        total += EndpointAttributes.weight(endpoint.attributes());
      }
    }
    long healthy = 0;
    for (EndpointView endpoint : usable) {
      if (zone.equals(endpoint.attributes().get(EndpointAttributes.ZONE))) {
        healthy += EndpointAttributes.weight(endpoint.attributes());
      }
    }
    boolean local = ZonePreference.stayInZone(healthy, total, affinity.minHealthyShare());
    return new Decision(zone, local, healthy, total);
  }
}
