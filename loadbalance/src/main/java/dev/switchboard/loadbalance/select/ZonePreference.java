package dev.switchboard.loadbalance.select;

/**
 * The rule of zone-aware routing: calls stay in the caller's zone while the weight of its usable
 * instances is positive and at least {@code minHealthyShare} of the weight registered there; else
 * they go to every zone. One rule for the balancers and the simulator. Stateless.
 */
public final class ZonePreference {
  private ZonePreference() {}

  /**
   * Returns whether calls stay in the caller's zone.
   *
   * @param usableWeight the weight of the zone's instances that calls may go to now
   * @param registeredWeight the weight of all the zone's instances, usable or not
   * @param minHealthyShare the share of {@code registeredWeight} that must be usable, in (0, 1]
   */
  public static boolean stayInZone(long usableWeight, long registeredWeight,
      double minHealthyShare) {
    return usableWeight > 0 && usableWeight >= minHealthyShare * registeredWeight;
  }
}
