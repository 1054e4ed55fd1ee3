package dev.switchboard.loadbalance.select;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2016), weight-aware:
 * an endpoint may take one more call while its calls in flight stay within
 * {@code ⌈c × (total + 1) × weight / totalWeight⌉}, where {@code total} is the calls in flight
 * over all endpoints and c the load factor (1.25 by default). Some endpoint always has room, so
 * a walk over the table always ends.
 */
public final class BoundedLoad {
  private BoundedLoad() {}

  /**
   * Returns whether an endpoint with {@code inFlight} calls may take one more, when
   * {@code totalInFlight} calls are in flight overall and {@code capacityShare} is
   * {@code c × weight / totalWeight}.
   */
  public static boolean hasRoom(int inFlight, int totalInFlight, double capacityShare) {
    return inFlight + 1 <= cap(totalInFlight, capacityShare);
  }

  /**
   * Returns the most calls an endpoint may have in flight, counting the one it would take, when
   * {@code totalInFlight} are in flight overall: {@code ⌈capacityShare × (totalInFlight + 1)⌉}.
   */
  public static double cap(int totalInFlight, double capacityShare) {
    return Math.ceil(capacityShare * (totalInFlight + 1));
  }
}
