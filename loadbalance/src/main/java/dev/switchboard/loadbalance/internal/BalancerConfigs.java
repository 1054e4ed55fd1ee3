package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.Balancers;
import dev.switchboard.loadbalance.select.WarmUp;
import io.grpc.Metadata;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The parsed configurations of Switchboard's balancers, and their parsers. */
public final class BalancerConfigs {
  private BalancerConfigs() {}

  /** Settings of the weighted balancers. */
  public record Weighted(WarmUp warmUp) {}

  /** Settings of consistent hashing. */
  public record Hash(Metadata.Key<String> header, double loadFactor) {}

  /** Settings of the power-of-two-choices balancers. */
  public record TwoChoices(Duration decayWindow) {}

  /** The default bounded-load factor: no endpoint above 1.25 × its share of the calls in flight. */
  public static final double DEFAULT_LOAD_FACTOR = 1.25;

  /**
   * Parses {@code {"warmUp": "60s", "warmUpFloor": 0.1}}.
   *
   * @throws IllegalArgumentException naming the setting and what is allowed
   */
  public static Weighted weighted(String policy, Map<String, ?> raw) {
    ConfigValues.checkKeys(policy, raw, Set.of("warmUp", "warmUpFloor"));
    Duration window = ConfigValues.duration(policy, raw, "warmUp", Duration.ZERO);
    double floor = ConfigValues.number(policy, raw, "warmUpFloor", 0.1);
    if (!(floor > 0 && floor <= 1)) {
      throw new IllegalArgumentException(policy + ": warmUpFloor " + floor
          + " is out of range (allowed: > 0 and <= 1)");
    }
    return new Weighted(window.isZero() ? WarmUp.NONE : new WarmUp(window, floor));
  }

  /**
   * Parses {@code {"hashHeader": "x-user-id", "boundedLoad": true, "loadFactor": 1.25}}; a load
   * factor alone turns bounded load on.
   */
  public static Hash hash(Map<String, ?> raw) {
    String policy = Balancers.CONSISTENT_HASH;
    ConfigValues.checkKeys(policy, raw, Set.of("hashHeader", "boundedLoad", "loadFactor"));
    String header = ConfigValues.string(policy, raw, "hashHeader");
    Metadata.Key<String> key = null;
    if (header != null) {
      try {
        key = Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(policy + ": hashHeader '" + header
            + "' is not a valid ASCII metadata key (" + e.getMessage() + ")", e);
      }
    }
    Object bounded = raw.get("boundedLoad");
    if (bounded != null && !(bounded instanceof Boolean)) {
      throw new IllegalArgumentException(policy + ": boundedLoad '" + bounded
          + "' is not true or false");
    }
    double factor = ConfigValues.number(policy, raw, "loadFactor", 0);
    if (raw.containsKey("loadFactor") && !(factor > 1)) {
      throw new IllegalArgumentException(policy + ": loadFactor " + factor
          + " is out of range (allowed: > 1, e.g. 1.25)");
    }
    if (factor == 0 && Boolean.TRUE.equals(bounded)) {
      factor = DEFAULT_LOAD_FACTOR;
    }
    if (Boolean.FALSE.equals(bounded)) {
      factor = 0;
    }
    return new Hash(key, factor);
  }

  /** Parses {@code {"decayWindow": "10s"}} (peak EWMA only). */
  public static TwoChoices twoChoices(String policy, Map<String, ?> raw, boolean latencyAware) {
    ConfigValues.checkKeys(policy, raw, latencyAware ? Set.of("decayWindow") : Set.of());
    Duration decay = ConfigValues.duration(policy, raw, "decayWindow", Duration.ofSeconds(10));
    if (decay.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException(policy + ": decayWindow " + decay
          + " is too short (allowed: >= 1ms)");
    }
    return new TwoChoices(decay);
  }
}
