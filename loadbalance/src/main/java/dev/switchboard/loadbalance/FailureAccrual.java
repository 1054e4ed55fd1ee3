package dev.switchboard.loadbalance;

import static java.util.Objects.requireNonNull;

import dev.switchboard.loadbalance.select.EndpointHealth;
import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Failure accrual, on by default in every Switchboard balancer: an instance whose calls fail with
 * a server-side status ({@link #failureCodes()}) {@link #consecutiveFailures()} times in a row, or
 * at {@link #failureRatio()} or more of at least {@link #minimumCalls()} calls within
 * {@link #window()}, receives no calls for {@link #baseEjection()} (doubling with each relapse,
 * jittered ±20 %, up to {@link #maxEjection()}), then one probe call at a time until one succeeds.
 * The panic threshold: never more than {@link #maxEjectedPercent()} of the READY instances are
 * out at once; past it the instances ejected last stay in rotation (and a warning says so), so a
 * total outage never empties the list.
 *
 * <p>Defaults: 5 in a row, or 50 % of at least 10 calls within 10 s; 5 s doubling to 5 min; at most
 * 50 % out; {@code UNAVAILABLE, INTERNAL, UNKNOWN, DATA_LOSS, RESOURCE_EXHAUSTED}. It composes
 * with gRPC's outlier ejection ({@code OutlierDetection}) when that is on as well.
 *
 * <p>Immutable.
 */
public final class FailureAccrual {
  /** The status codes that count as failures by default: the server (or the path) failed. */
  public static final Set<Status.Code> DEFAULT_CODES = Set.copyOf(EnumSet.of(
      Status.Code.UNAVAILABLE, Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.DATA_LOSS,
      Status.Code.RESOURCE_EXHAUSTED));

  /** The defaults described above. */
  public static final FailureAccrual DEFAULTS = builder().build();

  /** No ejection; failures still raise the cost of the load-aware balancers. */
  public static final FailureAccrual DISABLED = builder().enabled(false).build();

  private final boolean enabled;
  private final int consecutiveFailures;
  private final double failureRatio;
  private final int minimumCalls;
  private final Duration window;
  private final Duration baseEjection;
  private final Duration maxEjection;
  private final int maxEjectedPercent;
  private final Set<Status.Code> failureCodes;

  private FailureAccrual(Builder builder) {
    this.enabled = builder.enabled;
    this.consecutiveFailures = builder.consecutiveFailures;
    this.failureRatio = builder.failureRatio;
    this.minimumCalls = builder.minimumCalls;
    this.window = builder.window;
    this.baseEjection = builder.baseEjection;
    this.maxEjection = builder.maxEjection;
    this.maxEjectedPercent = builder.maxEjectedPercent;
    this.failureCodes = Set.copyOf(builder.failureCodes);
  }

  /** Returns a builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding these settings. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.enabled = enabled;
    builder.consecutiveFailures = consecutiveFailures;
    builder.failureRatio = failureRatio;
    builder.minimumCalls = minimumCalls;
    builder.window = window;
    builder.baseEjection = baseEjection;
    builder.maxEjection = maxEjection;
    builder.maxEjectedPercent = maxEjectedPercent;
    builder.failureCodes = EnumSet.copyOf(failureCodes);
    return builder;
  }

  /** Returns whether instances are ejected at all. */
  public boolean enabled() {
    return enabled;
  }

  /** Returns the failures in a row that eject. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** Returns the failed fraction of calls within the window that ejects; 1 or less. */
  public double failureRatio() {
    return failureRatio;
  }

  /** Returns the calls within the window before the ratio is judged. */
  public int minimumCalls() {
    return minimumCalls;
  }

  /** Returns the window of the ratio rule. */
  public Duration window() {
    return window;
  }

  /** Returns the length of a first ejection. */
  public Duration baseEjection() {
    return baseEjection;
  }

  /** Returns the longest ejection. */
  public Duration maxEjection() {
    return maxEjection;
  }

  /** Returns the most READY instances out at once, in percent. */
  public int maxEjectedPercent() {
    return maxEjectedPercent;
  }

  /** Returns the status codes that count as failures. */
  public Set<Status.Code> failureCodes() {
    return failureCodes;
  }

  /** Returns the rule that judges one endpoint (one that never ejects when disabled). */
  public EndpointHealth.Rule rule() {
    if (!enabled) {
      return dev.switchboard.loadbalance.select.EndpointLoad.NEVER_EJECT;
    }
    return new EndpointHealth.Rule(consecutiveFailures, failureRatio, minimumCalls,
        window.toNanos(), baseEjection.toNanos(), maxEjection.toNanos());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FailureAccrual that && enabled == that.enabled
        && consecutiveFailures == that.consecutiveFailures && failureRatio == that.failureRatio
        && minimumCalls == that.minimumCalls && window.equals(that.window)
        && baseEjection.equals(that.baseEjection) && maxEjection.equals(that.maxEjection)
        && maxEjectedPercent == that.maxEjectedPercent && failureCodes.equals(that.failureCodes);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(enabled, consecutiveFailures, failureRatio, minimumCalls, window,
        baseEjection, maxEjection, maxEjectedPercent, failureCodes);
  }

  @Override
  public String toString() {
    if (!enabled) {
      return "FailureAccrual{disabled}";
    }
    return "FailureAccrual{consecutiveFailures=" + consecutiveFailures + ", failureRatio="
        + failureRatio + ", minimumCalls=" + minimumCalls + ", window=" + window
        + ", baseEjection=" + baseEjection + ", maxEjection=" + maxEjection
        + ", maxEjectedPercent=" + maxEjectedPercent + ", failureCodes=" + failureCodes + "}";
  }

  /**
   * Builds {@link FailureAccrual}; each setter validates its value and names what is allowed.
   * Not thread-safe.
   */
  public static final class Builder {
    private boolean enabled = true;
    private int consecutiveFailures = 5;
    private double failureRatio = 0.5;
    private int minimumCalls = 10;
    private Duration window = Duration.ofSeconds(10);
    private Duration baseEjection = Duration.ofSeconds(5);
    private Duration maxEjection = Duration.ofMinutes(5);
    private int maxEjectedPercent = 50;
    private EnumSet<Status.Code> failureCodes = EnumSet.copyOf(DEFAULT_CODES);

    private Builder() {}

    /** Turns ejection on (the default) or off. */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /** Sets the failures in a row that eject: 1..1000 (default 5). */
    public Builder consecutiveFailures(int failures) {
      this.consecutiveFailures = range("consecutiveFailures", failures, 1, 1000);
      return this;
    }

    /**
     * Sets the failed fraction of at least {@code minimumCalls} calls within {@code window} that
     * ejects: ratio in (0, 1] (default 0.5), minimumCalls 1..100000 (default 10), window 1 ms..1 h
     * (default 10 s).
     */
    public Builder failureRatio(double ratio, int minimumCalls, Duration window) {
      if (!(ratio > 0 && ratio <= 1)) {
        throw new IllegalArgumentException("failure accrual failureRatio " + ratio
            + " is out of range (allowed: > 0 and <= 1)");
      }
      this.failureRatio = ratio;
      this.minimumCalls = range("minimumCalls", minimumCalls, 1, 100_000);
      this.window = duration("window", window, Duration.ofMillis(1), Duration.ofHours(1));
      return this;
    }

    /**
     * Sets the first ejection's length and the longest: base 1 ms..1 h (default 5 s), max from
     * base to 24 h (default 5 min).
     */
    public Builder ejection(Duration base, Duration max) {
      duration("baseEjection", base, Duration.ofMillis(1), Duration.ofHours(1));
      duration("maxEjection", max, base, Duration.ofHours(24));
      this.baseEjection = base;
      this.maxEjection = max;
      return this;
    }

    /** Sets the panic threshold: the most READY instances out at once, 0..100 % (default 50). */
    public Builder maxEjectedPercent(int percent) {
      this.maxEjectedPercent = range("maxEjectedPercent", percent, 0, 100);
      return this;
    }

    /** Sets the status codes that count as failures; not empty, and never OK. */
    public Builder failureCodes(Set<Status.Code> codes) {
      requireNonNull(codes, "codes");
      if (codes.isEmpty() || codes.contains(Status.Code.OK)) {
        throw new IllegalArgumentException("failure accrual failureCodes " + codes
            + " is invalid (allowed: a non-empty set of codes other than OK)");
      }
      this.failureCodes = EnumSet.copyOf(codes);
      return this;
    }

    /** Returns the settings. */
    public FailureAccrual build() {
      return new FailureAccrual(this);
    }

    private static int range(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException("failure accrual " + name + " " + value
            + " is out of range (allowed: " + min + ".." + max + ")");
      }
      return value;
    }

    private static Duration duration(String name, Duration value, Duration min, Duration max) {
      requireNonNull(value, name);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException("failure accrual " + name + " " + value
            + " is out of range (allowed: " + min + ".." + max + ")");
      }
      return value;
    }
  }
}
