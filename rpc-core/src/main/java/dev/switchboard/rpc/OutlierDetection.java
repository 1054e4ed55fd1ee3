package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Ejects instances that keep failing, by wrapping a reference's balancer in gRPC's own
 * {@code outlier_detection_experimental} policy (gRFC A50) with failure-percentage ejection: every
 * interval, an instance that served at least {@code requestVolume} calls of which at least
 * {@code threshold} percent failed is ejected for {@code baseEjectionTime} (longer each time it is
 * ejected again, up to {@code maxEjectionTime}), never more than {@code maxEjectionPercent} of the
 * instances at once.
 *
 * <p>Immutable.
 *
 * @param interval how often the failure rates are evaluated
 * @param baseEjectionTime how long a first ejection lasts
 * @param maxEjectionTime the longest ejection
 * @param maxEjectionPercent the most instances ejected at once, in percent (1..100)
 * @param threshold the failure percentage that ejects (1..100)
 * @param minimumHosts evaluate only when at least this many instances have enough calls
 * @param requestVolume the calls an instance must have served in an interval to be judged
 */
public record OutlierDetection(Duration interval, Duration baseEjectionTime,
    Duration maxEjectionTime, int maxEjectionPercent, int threshold, int minimumHosts,
    int requestVolume) {

  /** gRPC's defaults, with failure-percentage ejection at 85 % over at least 50 calls. */
  public static final OutlierDetection DEFAULTS = new OutlierDetection(Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(300), 10, 85, 5, 50);

  /** Validates every component, naming the value and the range allowed. */
  public OutlierDetection {
    positive(interval, "interval");
    positive(baseEjectionTime, "baseEjectionTime");
    positive(maxEjectionTime, "maxEjectionTime");
    range(maxEjectionPercent, "maxEjectionPercent", 1, 100);
    range(threshold, "threshold", 1, 100);
    range(minimumHosts, "minimumHosts", 1, 10_000);
    range(requestVolume, "requestVolume", 1, 1_000_000);
  }

  /** Returns gRPC service config wrapping {@code childPolicy} with {@code childConfig}. */
  public Map<String, ?> wrap(String childPolicy, Map<String, ?> childConfig) {
    return Map.of("outlier_detection_experimental", Map.of(
        "interval", seconds(interval),
        "baseEjectionTime", seconds(baseEjectionTime),
        "maxEjectionTime", seconds(maxEjectionTime),
        "maxEjectionPercent", (double) maxEjectionPercent,
        "failurePercentageEjection", Map.of(
            "threshold", (double) threshold,
            "enforcementPercentage", 100.0,
            "minimumHosts", (double) minimumHosts,
            "requestVolume", (double) requestVolume),
        "childPolicy", List.of(Map.of(childPolicy, childConfig))));
  }

  private static String seconds(Duration duration) {
    return ServiceConfigDurations.format(duration);
  }

  private static void positive(Duration value, String name) {
    requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("outlier detection " + name + " " + value
          + " is not positive");
    }
  }

  private static void range(int value, String name, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException("outlier detection " + name + " " + value
          + " is out of range (allowed: " + min + ".." + max + ")");
    }
  }
}
