package dev.switchboard.loadbalance.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads typed values from a balancer's JSON configuration, naming what is wrong. */
public final class ConfigValues {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)");

  private ConfigValues() {}

  /** Fails if {@code config} has a key outside {@code allowed}. */
  public static void checkKeys(String policy, Map<String, ?> config, Set<String> allowed) {
    for (String key : config.keySet()) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(policy + ": unknown setting '" + key + "' (allowed: "
            + allowed + ")");
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
    Matcher matcher = value instanceof String text ? DURATION.matcher(text.trim()) : null;
    if (matcher == null || !matcher.matches()) {
      throw new IllegalArgumentException(policy + ": " + key + " '" + value
          + "' is not a duration (expected e.g. \"10s\", \"1.5s\" or \"250ms\")");
    }
    double amount = Double.parseDouble(matcher.group(1));
    double millis = switch (matcher.group(2)) {
      case "ms" -> amount;
      case "s" -> amount * 1_000;
      default -> amount * 60_000;
    };
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  /** Returns a number, or {@code fallback}. */
  public static double number(String policy, Map<String, ?> config, String key, double fallback) {
    Object value = config.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number)) {
      throw new IllegalArgumentException(policy + ": " + key + " '" + value + "' is not a number");
    }
    return number.doubleValue();
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
}
