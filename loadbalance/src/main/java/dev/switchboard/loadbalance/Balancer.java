package dev.switchboard.loadbalance;

import static java.util.Objects.requireNonNull;

import dev.switchboard.loadbalance.internal.BalancerConfigs;
import dev.switchboard.rpc.BalancerSettings;
import java.time.Duration;
import java.util.Map;

/**
 * The typed settings of one Switchboard balancer, for {@code ReferenceConfig.builder().balancer(...)}:
 *
 * <pre>{@code
 * Balancer.peakEwma().decayWindow(Duration.ofSeconds(5)).build()
 * Balancer.consistentHash().hashHeader("x-user-id").boundedLoad(1.25).build()
 * Balancer.weightedRoundRobin().warmUp(Duration.ofSeconds(60), 0.1)
 *     .failureAccrual(FailureAccrual.builder().consecutiveFailures(3).build()).build()
 * }</pre>
 *
 * <p>Each setting is validated when it is set or built, naming the value and what is allowed; the
 * settings compile to the policy's service config through the same codec the policy parses it
 * with. Immutable; equal settings are equal (channels are shared per balancer).
 */
public final class Balancer implements BalancerSettings {
  private final String policyName;
  private final Object config;

  private Balancer(String policyName, Object config) {
    this.policyName = policyName;
    this.config = config;
  }

  /** Smooth weighted round robin ({@value Balancers#WEIGHTED_ROUND_ROBIN}). */
  public static Builder weightedRoundRobin() {
    return new Builder(Balancers.WEIGHTED_ROUND_ROBIN);
  }

  /** Weighted random ({@value Balancers#WEIGHTED_RANDOM}). */
  public static Builder weightedRandom() {
    return new Builder(Balancers.WEIGHTED_RANDOM);
  }

  /** Weighted Maglev consistent hashing ({@value Balancers#CONSISTENT_HASH}). */
  public static Builder consistentHash() {
    return new Builder(Balancers.CONSISTENT_HASH);
  }

  /** Power-of-two-choices least-request ({@value Balancers#LEAST_REQUEST}). */
  public static Builder leastRequest() {
    return new Builder(Balancers.LEAST_REQUEST);
  }

  /** Power-of-two-choices peak EWMA ({@value Balancers#PEAK_EWMA}). */
  public static Builder peakEwma() {
    return new Builder(Balancers.PEAK_EWMA);
  }

  @Override
  public String policyName() {
    return policyName;
  }

  @Override
  public Map<String, ?> serviceConfig() {
    return BalancerConfigs.encode(config);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Balancer that && policyName.equals(that.policyName)
        && config.equals(that.config);
  }

  @Override
  public int hashCode() {
    return policyName.hashCode() * 31 + config.hashCode();
  }

  @Override
  public String toString() {
    return policyName + serviceConfig();
  }

  /** Builds a {@link Balancer}; a setting that does not apply to the policy fails. Not thread-safe. */
  public static final class Builder {
    private final String policyName;
    private FailureAccrual accrual = FailureAccrual.DEFAULTS;
    private Duration warmUp = Duration.ZERO;
    private double warmUpFloor = BalancerConfigs.DEFAULT_WARM_UP_FLOOR;
    private String hashHeader;
    private double loadFactor;
    private Duration decayWindow = BalancerConfigs.DEFAULT_DECAY;

    private Builder(String policyName) {
      this.policyName = policyName;
    }

    /** Sets failure accrual ({@link FailureAccrual#DEFAULTS} unless set). */
    public Builder failureAccrual(FailureAccrual accrual) {
      this.accrual = requireNonNull(accrual, "accrual");
      return this;
    }

    /**
     * Weighted balancers: ramps a new instance's weight from {@code floor} (in (0, 1]) to full
     * over {@code window} (positive) from its start.
     */
    public Builder warmUp(Duration window, double floor) {
      only("warmUp", Balancers.WEIGHTED_ROUND_ROBIN, Balancers.WEIGHTED_RANDOM);
      requireNonNull(window, "window");
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException(policyName + ": warmUp " + window
            + " is not positive (allowed: > 0)");
      }
      BalancerConfigs.warmUp(policyName, window, floor);
      this.warmUp = window;
      this.warmUpFloor = floor;
      return this;
    }

    /** Weighted balancers: {@link #warmUp(Duration, double)} from 10 % of the weight. */
    public Builder warmUp(Duration window) {
      return warmUp(window, BalancerConfigs.DEFAULT_WARM_UP_FLOOR);
    }

    /** Consistent hashing: the request metadata header whose value is the hash key. */
    public Builder hashHeader(String header) {
      only("hashHeader", Balancers.CONSISTENT_HASH);
      requireNonNull(header, "header");
      if (!header.matches("[a-z0-9_.\\-]+")) {
        throw new IllegalArgumentException("hash header '" + header + "' is invalid (allowed:"
            + " lower-case letters, digits, '_', '.', '-')");
      }
      BalancerConfigs.hashHeader(header);
      this.hashHeader = header;
      return this;
    }

    /** Consistent hashing: bounds each instance's calls in flight to {@code factor} (> 1) × its share. */
    public Builder boundedLoad(double factor) {
      only("boundedLoad", Balancers.CONSISTENT_HASH);
      this.loadFactor = BalancerConfigs.checkLoadFactor(factor);
      return this;
    }

    /** Peak EWMA: how long a round trip's weight in the average decays over (>= 1 ms; 10 s). */
    public Builder decayWindow(Duration window) {
      only("decayWindow", Balancers.PEAK_EWMA);
      this.decayWindow = BalancerConfigs.checkDecay(policyName, requireNonNull(window, "window"));
      return this;
    }

    /** Returns the settings. */
    public Balancer build() {
      Object config = switch (policyName) {
        case Balancers.CONSISTENT_HASH -> new BalancerConfigs.Hash(
            BalancerConfigs.hashHeader(hashHeader), loadFactor, accrual);
        case Balancers.LEAST_REQUEST, Balancers.PEAK_EWMA ->
            new BalancerConfigs.TwoChoices(decayWindow, accrual);
        default -> new BalancerConfigs.Weighted(
            BalancerConfigs.warmUp(policyName, warmUp, warmUpFloor), accrual);
      };
      return new Balancer(policyName, config);
    }

    private void only(String setting, String... policies) {
      for (String policy : policies) {
        if (policy.equals(policyName)) {
          return;
        }
      }
      throw new IllegalArgumentException(setting + " does not apply to " + policyName
          + " (only to " + String.join(", ", policies) + ")");
    }
  }
}
