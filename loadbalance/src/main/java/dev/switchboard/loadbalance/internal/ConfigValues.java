package dev.switchboard.loadbalance.internal;

import dev.switchboard.rpc.ServiceConfigDurations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads typed values from a balancer's JSON configuration, naming what is wrong. Numbers and
 * booleans may also be written as strings ({@code "5"}, {@code "true"}), as annotation settings
 * ({@code @RpcReference(balancerSettings = "failureAccrual.consecutiveFailures=3")}) arrive.
 */
public final class ConfigValues {
  private ConfigValues() {}

  /** Fails if {@code config} has a key outside {@code allowed}. */
  public static void checkKeys(String policy, Map<String, ?> config, Set<String> allowed) {
    for (String key : config.keySet()) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(policy + ": unknown setting '" + key + "' (allowed: "
            + new java.util.TreeSet<>(allowed) + ")");
      }
    }
  }

  /** Returns a duration written as {@code "10s"}, {@code "1.5s"}, {@code "250ms"} or {@code "2m"}. */
  public static Duration duration(String policy, Map<String, ?> config, String key,
      Duration fallback) {
    Object value = config.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException(policy + ": " + key + " '" + value
          + "' is not a duration (expected e.g. \"10s\", \"1.5s\" or \"250ms\")");
    }
    return ServiceConfigDurations.parse(text, policy + ": " + key);
  }

  /** Returns a number, or {@code fallback}. */
  public static double number(String policy, Map<String, ?> config, String key, double fallback) {
    Object value = config.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    if (value instanceof String text) {
      try {
        return Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(policy + ": " + key + " '" + value + "' is not a number");
  }

  /** Returns a whole number within {@code min..max}, or {@code fallback}. */
  public static int integer(String policy, Map<String, ?> config, String key, int fallback,
      int min, int max) {
    double value = number(policy, config, key, fallback);
    if (value != Math.rint(value) || value < min || value > max) {
      throw new IllegalArgumentException(policy + ": " + key + " " + config.get(key)
          + " is out of range (allowed: a whole number " + min + ".." + max + ")");
    }
    return (int) value;
  }

  /** Returns a boolean, or {@code null} when absent. */
  public static Boolean bool(String policy, Map<String, ?> config, String key) {
    Object value = config.get(key);
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    if (value instanceof String text && (text.equals("true") || text.equals("false"))) {
      return Boolean.valueOf(text);
    }
    throw new IllegalArgumentException(policy + ": " + key + " '" + value
        + "' is not true or false");
  }

  /** Returns a string, or {@code null}. */
  public static String string(String policy, Map<String, ?> config, String key) {
    Object value = config.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException(policy + ": " + key + " '" + value
          + "' is not a non-empty string");
    }
    return text;
  }

  /** Returns a list of strings (a JSON list, or one comma-separated string), or {@code null}. */
  public static List<String> strings(String policy, Map<String, ?> config, String key) {
    Object value = config.get(key);
    if (value == null) {
      return null;
    }
    if (value instanceof String text) {
      return List.of(text.split("\\s*,\\s*"));
    }
    if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw new IllegalArgumentException(policy + ": " + key + " '" + value
        + "' is not a list of strings");
  }

  /** Returns a nested object, or {@code null}. */
  @SuppressWarnings("unchecked")
  public static Map<String, ?> object(String policy, Map<String, ?> config, String key) {
    Object value = config.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?>)) {
      throw new IllegalArgumentException(policy + ": " + key + " '" + value
          + "' is not an object");
    }
    return (Map<String, ?>) value;
  }
}
