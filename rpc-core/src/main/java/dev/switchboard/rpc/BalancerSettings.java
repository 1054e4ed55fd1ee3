package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A reference's balancer: the gRPC load-balancing policy name and its settings, as the policy's
 * own module compiles them to service config. Switchboard's balancers offer typed settings
 * ({@code dev.switchboard.loadbalance.Balancer}); any other registered gRPC policy can be named
 * with {@link #named(String)} or given raw JSON settings with {@link #of(String, Map)}.
 *
 * <p>Implementations are immutable and compare by value (channels are shared per balancer).
 */
public interface BalancerSettings {

  /** Returns the gRPC load-balancing policy name, e.g. {@code switchboard_peak_ewma}. */
  String policyName();

  /**
   * Returns the policy's configuration as gRPC service config JSON values (maps, lists,
   * strings, {@code Double}s, {@code Boolean}s), without the policy name.
   */
  Map<String, ?> serviceConfig();

  /** Returns the policy {@code policyName} with its default settings. */
  static BalancerSettings named(String policyName) {
    return of(policyName, Map.of());
  }

  /**
   * Returns the policy {@code policyName} with {@code config} (validated by the policy when a
   * stub is created).
   */
  static BalancerSettings of(String policyName, Map<String, ?> config) {
    requireNonNull(policyName, "policyName");
    if (policyName.isBlank()) {
      throw new IllegalArgumentException("balancer name is blank");
    }
    @SuppressWarnings("unchecked")
    Map<String, ?> json = (Map<String, ?>) Raw.json(requireNonNull(config, "config"), policyName);
    return new Raw(policyName, json);
  }

  /**
   * Returns the policy {@code policyName} with settings given as flat entries, nested keys
   * joined by dots (as in {@link RpcReference#balancerSettings()} and in property files):
   * {@code {"failureAccrual.consecutiveFailures": "3"}}.
   *
   * @throws IllegalArgumentException if a key is empty or a key is both a value and a parent
   */
  static BalancerSettings ofEntries(String policyName, Map<String, String> entries) {
    String[] settings = requireNonNull(entries, "entries").entrySet().stream()
        .map(entry -> entry.getKey() + "=" + entry.getValue()).toArray(String[]::new);
    return of(policyName, ReferenceConfig.settingsTree(settings));
  }

  /** A policy name with raw settings, deep-copied to JSON values (numbers as doubles). */
  record Raw(String policyName, Map<String, ?> serviceConfig) implements BalancerSettings {
    static Object json(Object value, String where) {
      if (value instanceof Map<?, ?> map) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (!(entry.getKey() instanceof String key)) {
            throw new IllegalArgumentException(where + ": setting key " + entry.getKey()
                + " is not a string");
          }
          copy.put(key, json(entry.getValue(), where + "." + key));
        }
        return java.util.Collections.unmodifiableMap(copy);
      }
      if (value instanceof java.util.List<?> list) {
        return list.stream().map(item -> json(item, where)).toList();
      }
      if (value instanceof Number number) {
        return number.doubleValue();
      }
      if (value instanceof String || value instanceof Boolean) {
        return value;
      }
      throw new IllegalArgumentException(where + ": setting " + value
          + " is not a JSON value (allowed: string, number, boolean, list, object)");
    }
  }
}
