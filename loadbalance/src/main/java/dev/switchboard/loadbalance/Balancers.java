package dev.switchboard.loadbalance;

/**
 * The gRPC load-balancing policy names of Switchboard's balancers. Use them in
 * {@code @RpcReference(balancer = ...)}, {@code RpcClient.Builder.defaultBalancer(...)}, or plain
 * gRPC service config ({@code {"loadBalancingConfig": [{"switchboard_weighted_round_robin": {}}]}}).
 *
 * <p>Every name carries the {@code switchboard_} prefix so that it never collides with gRPC's own
 * policies ({@code round_robin}, {@code weighted_round_robin}, {@code ring_hash_experimental},
 * {@code least_request_experimental}): with grpc-xds on the class path you still get exactly the
 * policy you asked for.
 */
public final class Balancers {

  /**
   * Smooth weighted round robin over the READY instances, honouring the registry weight: each
   * instance receives its share of calls, evenly interleaved.
   */
  public static final String WEIGHTED_ROUND_ROBIN = "switchboard_weighted_round_robin";

  /** Weighted random over the READY instances, O(1) per pick (alias method). */
  public static final String WEIGHTED_RANDOM = "switchboard_weighted_random";

  /**
   * Weight-aware consistent hashing (Maglev) with optional bounded load: calls with the same key
   * go to the same instance while it is READY and, when bounded, not overloaded.
   */
  public static final String CONSISTENT_HASH = "switchboard_consistent_hash";

  /** Least-request by the power of two choices, weight-aware. */
  public static final String LEAST_REQUEST = "switchboard_least_request";

  /** Latency-aware peak EWMA by the power of two choices (Finagle style). */
  public static final String PEAK_EWMA = "switchboard_peak_ewma";

  private Balancers() {}
}
