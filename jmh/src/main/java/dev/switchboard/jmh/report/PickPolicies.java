package dev.switchboard.jmh.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The balancers of {@code PickBenchmark} and {@code DubboPickBenchmark} as the report names and
 * pairs them: each Switchboard policy with gRPC's and Dubbo's corresponding picker (weighted
 * pickers with gRPC's {@code weighted_round_robin}, consistent hash with {@code ring_hash}, the
 * two-choice pickers with {@code least_request}; Dubbo's of the same kind, its least-active for
 * both two-choice pickers). Constants and look-ups only.
 */
final class PickPolicies {
  static final String PICK = "PickBenchmark";
  static final String DUBBO_PICK = "DubboPickBenchmark";

  static final String WRR = "switchboard_weighted_round_robin";
  static final String RANDOM = "switchboard_weighted_random";
  static final String HASH = "switchboard_consistent_hash";
  static final String LEAST_REQUEST = "switchboard_least_request";
  static final String PEAK_EWMA = "switchboard_peak_ewma";

  /** Switchboard's policies, in report order. */
  static final List<String> SWITCHBOARD = List.of(WRR, RANDOM, HASH, LEAST_REQUEST, PEAK_EWMA);

  /** gRPC's pickers, in report order. */
  static final List<String> GRPC_ORDER = List.of("round_robin", "weighted_round_robin",
      "ring_hash_experimental", "least_request_experimental");

  /** Dubbo's balancers, in report order. */
  static final List<String> DUBBO_ORDER = List.of("roundrobin", "random", "consistenthash",
      "leastactive");

  /** gRPC's corresponding picker for each Switchboard policy. */
  static final Map<String, String> GRPC = ordered(WRR, "weighted_round_robin",
      RANDOM, "weighted_round_robin", HASH, "ring_hash_experimental",
      LEAST_REQUEST, "least_request_experimental", PEAK_EWMA, "least_request_experimental");

  /** Dubbo's corresponding balancer for each Switchboard policy. */
  static final Map<String, String> DUBBO = ordered(WRR, "roundrobin", RANDOM, "random",
      HASH, "consistenthash", LEAST_REQUEST, "leastactive", PEAK_EWMA, "leastactive");

  private static final Map<String, String> LABELS = ordered(
      "round_robin", "gRPC round_robin",
      "weighted_round_robin", "gRPC weighted_round_robin (no ORCA reports)",
      "ring_hash_experimental", "gRPC ring_hash (pre-hashed key)",
      "least_request_experimental", "gRPC least_request",
      "roundrobin", "Dubbo RoundRobinLoadBalance",
      "random", "Dubbo RandomLoadBalance",
      "consistenthash", "Dubbo ConsistentHashLoadBalance (MD5)",
      "leastactive", "Dubbo LeastActiveLoadBalance");

  private PickPolicies() {}

  /** Returns how the report names {@code policy}. */
  static String label(String policy) {
    return LABELS.getOrDefault(policy, policy);
  }

  /** Returns the entry of {@code PickBenchmark} for {@code policy} at {@code endpoints}. */
  static Optional<JmhResult> pick(JmhResults results, String policy, String endpoints) {
    return results.find(PICK, Map.of("policy", policy, "endpoints", endpoints));
  }

  /** Returns the entry of {@code DubboPickBenchmark} for {@code policy} at {@code endpoints}. */
  static Optional<JmhResult> dubbo(JmhResults results, String policy, String endpoints) {
    return results.find(DUBBO_PICK, Map.of("policy", policy, "endpoints", endpoints));
  }

  private static Map<String, String> ordered(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }
}
