package dev.switchboard.loadbalance.internal;

import dev.switchboard.loadbalance.Balancers;
import dev.switchboard.loadbalance.FailureAccrual;
import dev.switchboard.loadbalance.select.WarmUp;
import dev.switchboard.rpc.ServiceConfigDurations;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed configurations of Switchboard's balancers, and their one JSON codec: {@code parse}
 * reads gRPC service config (from any source: our typed settings, a user's JSON, annotation
 * strings) and {@link #encode} writes it back, so a setting's key and form live here only.
 */
public final class BalancerConfigs {
  private BalancerConfigs() {}

  /** A parsed configuration that carries failure accrual settings. */
  public interface WithAccrual {
    FailureAccrual accrual();
  }

  /** Settings of the weighted balancers. */
  public record Weighted(WarmUp warmUp, FailureAccrual accrual) implements WithAccrual {}

  /** Settings of consistent hashing; {@code loadFactor} 0 for unbounded. */
  public record Hash(Metadata.Key<String> header, double loadFactor, FailureAccrual accrual)
      implements WithAccrual {}

  /** Settings of the power-of-two-choices balancers. */
  public record TwoChoices(Duration decayWindow, FailureAccrual accrual) implements WithAccrual {}

  /** The default bounded-load factor: no endpoint above 1.25 × its share of the calls in flight. */
  public static final double DEFAULT_LOAD_FACTOR = 1.25;
  /** The default decay window of peak EWMA. */
  public static final Duration DEFAULT_DECAY = Duration.ofSeconds(10);
  /** The default warm-up floor. */
  public static final double DEFAULT_WARM_UP_FLOOR = 0.1;

  private static final String ACCRUAL = "failureAccrual";
  private static final Set<String> ACCRUAL_KEYS = Set.of("enabled", "consecutiveFailures",
      "failureRatio", "minimumCalls", "window", "baseEjection", "maxEjection",
      "maxEjectedPercent", "failureCodes");

  /**
   * Parses {@code {"warmUp": "60s", "warmUpFloor": 0.1, "failureAccrual": {...}}}.
   *
   * @throws IllegalArgumentException naming the setting and what is allowed
   */
  public static Weighted weighted(String policy, Map<String, ?> raw) {
    ConfigValues.checkKeys(policy, raw, Set.of("warmUp", "warmUpFloor", ACCRUAL));
    Duration window = ConfigValues.duration(policy, raw, "warmUp", Duration.ZERO);
    double floor = ConfigValues.number(policy, raw, "warmUpFloor", DEFAULT_WARM_UP_FLOOR);
    return new Weighted(warmUp(policy, window, floor), accrual(policy, raw));
  }

  /** Returns the warm-up for {@code window} (zero for none) and {@code floor}, validated. */
  public static WarmUp warmUp(String policy, Duration window, double floor) {
    if (!(floor > 0 && floor <= 1)) {
      throw new IllegalArgumentException(policy + ": warmUpFloor " + floor
          + " is out of range (allowed: > 0 and <= 1)");
    }
    if (window.isNegative()) {
      throw new IllegalArgumentException(policy + ": warmUp " + window + " is negative");
    }
    return window.isZero() ? WarmUp.NONE : new WarmUp(window, floor);
  }

  /**
   * Parses {@code {"hashHeader": "x-user-id", "boundedLoad": true, "loadFactor": 1.25,
   * "failureAccrual": {...}}}; a load factor alone turns bounded load on.
   */
  public static Hash hash(Map<String, ?> raw) {
    String policy = Balancers.CONSISTENT_HASH;
    ConfigValues.checkKeys(policy, raw, Set.of("hashHeader", "boundedLoad", "loadFactor",
        ACCRUAL));
    Metadata.Key<String> key = hashHeader(ConfigValues.string(policy, raw, "hashHeader"));
    Boolean bounded = ConfigValues.bool(policy, raw, "boundedLoad");
    double factor = ConfigValues.number(policy, raw, "loadFactor", 0);
    if (raw.containsKey("loadFactor")) {
      checkLoadFactor(factor);
    }
    if (factor == 0 && Boolean.TRUE.equals(bounded)) {
      factor = DEFAULT_LOAD_FACTOR;
    }
    if (Boolean.FALSE.equals(bounded)) {
      factor = 0;
    }
    return new Hash(key, factor, accrual(policy, raw));
  }

  /** Returns the metadata key of {@code header} ({@code null} for none), validated. */
  public static Metadata.Key<String> hashHeader(String header) {
    if (header == null) {
      return null;
    }
    try {
      return Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Balancers.CONSISTENT_HASH + ": hashHeader '" + header
          + "' is not a valid ASCII metadata key (" + e.getMessage() + ")", e);
    }
  }

  /** Checks a bounded-load factor. */
  public static double checkLoadFactor(double factor) {
    if (!(factor > 1) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException(Balancers.CONSISTENT_HASH + ": loadFactor " + factor
          + " is out of range (allowed: > 1, e.g. 1.25)");
    }
    return factor;
  }

  /** Parses {@code {"decayWindow": "10s", "failureAccrual": {...}}} (decay: peak EWMA only). */
  public static TwoChoices twoChoices(String policy, Map<String, ?> raw, boolean latencyAware) {
    ConfigValues.checkKeys(policy, raw,
        latencyAware ? Set.of("decayWindow", ACCRUAL) : Set.of(ACCRUAL));
    Duration decay = ConfigValues.duration(policy, raw, "decayWindow", DEFAULT_DECAY);
    return new TwoChoices(checkDecay(policy, decay), accrual(policy, raw));
  }

  /** Checks a decay window. */
  public static Duration checkDecay(String policy, Duration decay) {
    if (decay.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException(policy + ": decayWindow " + decay
          + " is too short (allowed: >= 1ms)");
    }
    return decay;
  }

  /** Parses {@code "failureAccrual"}: absent (the defaults), {@code false}, or an object. */
  static FailureAccrual accrual(String policy, Map<String, ?> raw) {
    Object value = raw.get(ACCRUAL);
    if (value == null) {
      return FailureAccrual.DEFAULTS;
    }
    if (value instanceof Boolean || value instanceof String) {
      Boolean on = ConfigValues.bool(policy, raw, ACCRUAL);
      return on ? FailureAccrual.DEFAULTS : FailureAccrual.DISABLED;
    }
    String where = policy + ": " + ACCRUAL;
    Map<String, ?> config = ConfigValues.object(policy, raw, ACCRUAL);
    ConfigValues.checkKeys(where, config, ACCRUAL_KEYS);
    FailureAccrual defaults = FailureAccrual.DEFAULTS;
    try {
      FailureAccrual.Builder builder = FailureAccrual.builder();
      Boolean enabled = ConfigValues.bool(where, config, "enabled");
      builder.enabled(enabled == null || enabled);
      builder.consecutiveFailures(ConfigValues.integer(where, config, "consecutiveFailures",
          defaults.consecutiveFailures(), 1, 1000));
      builder.failureRatio(ConfigValues.number(where, config, "failureRatio",
              defaults.failureRatio()),
          ConfigValues.integer(where, config, "minimumCalls", defaults.minimumCalls(), 1,
              100_000),
          ConfigValues.duration(where, config, "window", defaults.window()));
      builder.ejection(ConfigValues.duration(where, config, "baseEjection",
              defaults.baseEjection()),
          ConfigValues.duration(where, config, "maxEjection", defaults.maxEjection()));
      builder.maxEjectedPercent(ConfigValues.integer(where, config, "maxEjectedPercent",
          defaults.maxEjectedPercent(), 0, 100));
      List<String> codes = ConfigValues.strings(where, config, "failureCodes");
      if (codes != null) {
        builder.failureCodes(codes(where, codes));
      }
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith(policy) ? e
          : new IllegalArgumentException(policy + ": " + e.getMessage(), e);
    }
  }

  private static Set<Status.Code> codes(String where, List<String> names) {
    Set<Status.Code> codes = EnumSet.noneOf(Status.Code.class);
    for (String name : names) {
      try {
        codes.add(Status.Code.valueOf(name.trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": failureCodes has '" + name
            + "', which is not a gRPC status code name (e.g. UNAVAILABLE)", e);
      }
    }
    return codes;
  }

  /** Writes {@code config} as the service config JSON that the matching parser reads. */
  public static Map<String, ?> encode(Object config) {
    Map<String, Object> json = new LinkedHashMap<>();
    FailureAccrual accrual;
    if (config instanceof Weighted weighted) {
      if (!weighted.warmUp().window().isZero()) {
        json.put("warmUp", ServiceConfigDurations.format(weighted.warmUp().window()));
        json.put("warmUpFloor", weighted.warmUp().floor());
      }
      accrual = weighted.accrual();
    } else if (config instanceof Hash hash) {
      if (hash.header() != null) {
        json.put("hashHeader", hash.header().name());
      }
      if (hash.loadFactor() > 0) {
        json.put("loadFactor", hash.loadFactor());
      }
      accrual = hash.accrual();
    } else if (config instanceof TwoChoices twoChoices) {
      if (!twoChoices.decayWindow().equals(DEFAULT_DECAY)) {
        json.put("decayWindow", ServiceConfigDurations.format(twoChoices.decayWindow()));
      }
      accrual = twoChoices.accrual();
    } else {
      throw new IllegalArgumentException("not a Switchboard balancer configuration: " + config);
    }
    if (!accrual.equals(FailureAccrual.DEFAULTS)) {
      json.put(ACCRUAL, encode(accrual));
    }
    return Map.copyOf(json);
  }

  private static Map<String, ?> encode(FailureAccrual accrual) {
    if (!accrual.enabled()) {
      return Map.of("enabled", false);
    }
    return Map.of(
        "consecutiveFailures", (double) accrual.consecutiveFailures(),
        "failureRatio", accrual.failureRatio(),
        "minimumCalls", (double) accrual.minimumCalls(),
        "window", ServiceConfigDurations.format(accrual.window()),
        "baseEjection", ServiceConfigDurations.format(accrual.baseEjection()),
        "maxEjection", ServiceConfigDurations.format(accrual.maxEjection()),
        "maxEjectedPercent", (double) accrual.maxEjectedPercent(),
        "failureCodes", accrual.failureCodes().stream().map(Enum::name).sorted().toList());
  }
}
