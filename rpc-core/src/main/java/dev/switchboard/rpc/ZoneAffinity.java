package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

/**
 * Zone-aware routing for a consumer: calls go to instances registered in the caller's zone
 * while enough of that zone is healthy, and to every zone otherwise. "Enough" is a share of the
 * zone's registered weight: when the weight of its usable instances (READY and not ejected by
 * failure accrual) falls below {@link #minHealthyShare()} of its total, or no instance there is
 * usable, calls spill over to all zones until it recovers. Every Switchboard balancer applies it
 * before it picks (consistent hashing hashes over the chosen zone's instances); gRPC's own
 * balancers ignore it. Set with {@link RpcClient.Builder#zone(String)}.
 *
 * <p>Immutable.
 *
 * @param zone the caller's zone, as providers register it ({@link RpcService#zone()})
 * @param minHealthyShare the share of the zone's weight that must be usable to stay in the zone,
 *     above 0 and at most 1
 */
public record ZoneAffinity(String zone, double minHealthyShare) {
  /** The default share: spill over once less than half of the local zone is usable. */
  public static final double DEFAULT_MIN_HEALTHY_SHARE = 0.5;

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if the zone is blank or the share is not in (0, 1]
   */
  public ZoneAffinity {
    requireNonNull(zone, "zone");
    if (zone.isBlank()) {
      throw new IllegalArgumentException("zone is blank (expected the zone providers register,"
          + " e.g. eu-west-1a)");
    }
    if (!(minHealthyShare > 0 && minHealthyShare <= 1)) {
      throw new IllegalArgumentException("zone minHealthyShare " + minHealthyShare
          + " is out of range (allowed: > 0 and <= 1)");
    }
  }

  /** Returns the affinity for {@code zone} with {@link #DEFAULT_MIN_HEALTHY_SHARE}. */
  public static ZoneAffinity of(String zone) {
    return new ZoneAffinity(zone, DEFAULT_MIN_HEALTHY_SHARE);
  }

  /** Returns this affinity with another minimum healthy share. */
  public ZoneAffinity withMinHealthyShare(double share) {
    return new ZoneAffinity(zone, share);
  }
}
