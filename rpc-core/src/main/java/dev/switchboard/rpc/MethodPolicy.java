package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.internal.Durations;
import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How calls to one method (or, as a reference's default, to every method) are made: default
 * deadline, retries or hedging, and fallbacks. Built with {@link #builder()}, or read from
 * {@link RpcMethod} annotations; validated once, when built.
 *
 * <p>Immutable.
 */
public final class MethodPolicy {
  /** The codes that trigger a fallback unless configured otherwise. */
  public static final Set<Status.Code> DEFAULT_FALLBACK_ON =
      Set.copyOf(EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED));

  private static final MethodPolicy NONE = builder().build();

  private final Duration deadline;
  private final boolean idempotent;
  private final RetryPolicy retry;
  private final HedgingPolicy hedging;
  private final boolean cacheable;
  private final Object fallbackResponse;
  private final Set<Status.Code> fallbackOn;

  private MethodPolicy(Builder builder) {
    this.deadline = builder.deadline;
    this.idempotent = builder.idempotent;
    this.retry = builder.retry;
    this.hedging = builder.hedging;
    this.cacheable = builder.cacheable;
    this.fallbackResponse = builder.fallbackResponse;
    this.fallbackOn = builder.fallbackOn;
  }

  /** Returns a policy that sets nothing. */
  public static MethodPolicy none() {
    return NONE;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the default deadline for calls that carry none. */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** Returns whether the method may be executed more than once with the same effect. */
  public boolean idempotent() {
    return idempotent;
  }

  /** Returns the retry policy, if any. */
  public Optional<RetryPolicy> retry() {
    return Optional.ofNullable(retry);
  }

  /** Returns the hedging policy, if any. */
  public Optional<HedgingPolicy> hedging() {
    return Optional.ofNullable(hedging);
  }

  /** Returns whether the last good response to an equal request may answer a failed call. */
  public boolean cacheable() {
    return cacheable;
  }

  /** Returns the fixed response for failed calls, if any. */
  public Optional<Object> fallbackResponse() {
    return Optional.ofNullable(fallbackResponse);
  }

  /** Returns the status codes after which a fallback answers. */
  public Set<Status.Code> fallbackOn() {
    return fallbackOn;
  }

  /** Returns whether anything here needs the fallback machinery. */
  public boolean hasFallback() {
    return cacheable || fallbackResponse != null;
  }

  /** Returns a builder holding this policy's values. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.deadline = deadline;
    builder.idempotent = idempotent;
    builder.retry = retry;
    builder.hedging = hedging;
    builder.cacheable = cacheable;
    builder.fallbackResponse = fallbackResponse;
    builder.fallbackOn = fallbackOn;
    return builder;
  }

  /** Returns this policy with every value it leaves unset taken from {@code defaults}. */
  public MethodPolicy orElse(MethodPolicy defaults) {
    Builder builder = toBuilder();
    if (deadline == null) {
      builder.deadline = defaults.deadline;
    }
    if (retry == null && hedging == null) {
      builder.retry = defaults.retry;
      builder.hedging = defaults.hedging;
    }
    builder.idempotent = idempotent || defaults.idempotent;
    builder.cacheable = cacheable || defaults.cacheable;
    if (fallbackResponse == null) {
      builder.fallbackResponse = defaults.fallbackResponse;
    }
    if (fallbackOn == DEFAULT_FALLBACK_ON) {
      builder.fallbackOn = defaults.fallbackOn;
    }
    return builder.build();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MethodPolicy that && Objects.equals(deadline, that.deadline)
        && idempotent == that.idempotent && Objects.equals(retry, that.retry)
        && Objects.equals(hedging, that.hedging) && cacheable == that.cacheable
        && Objects.equals(fallbackResponse, that.fallbackResponse)
        && fallbackOn.equals(that.fallbackOn);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deadline, idempotent, retry, hedging, cacheable, fallbackResponse,
        fallbackOn);
  }

  @Override
  public String toString() {
    return "MethodPolicy{deadline=" + deadline + ", idempotent=" + idempotent + ", retry=" + retry
        + ", hedging=" + hedging + ", cacheable=" + cacheable + ", fallbackResponse="
        + (fallbackResponse != null) + ", fallbackOn=" + fallbackOn + "}";
  }

  /** Builds a {@link MethodPolicy}; validates values as they are set and combinations at the end. */
  public static final class Builder {
    private Duration deadline;
    private boolean idempotent;
    private RetryPolicy retry;
    private HedgingPolicy hedging;
    private boolean cacheable;
    private Object fallbackResponse;
    private Set<Status.Code> fallbackOn = DEFAULT_FALLBACK_ON;

    private Builder() {}

    /** Sets the default deadline for calls without one; must be positive. */
    public Builder deadline(Duration deadline) {
      this.deadline = Durations.checkPositive(requireNonNull(deadline, "deadline"), "deadline");
      return this;
    }

    /**
     * Marks the method idempotent: safe to execute twice. Only idempotent methods may be hedged
     * or retried on DEADLINE_EXCEEDED (the first attempt may still be running).
     */
    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    /** Sets the retry policy. */
    public Builder retry(RetryPolicy retry) {
      this.retry = requireNonNull(retry, "retry");
      return this;
    }

    /** Sets the hedging policy (idempotent methods only; not with a retry policy). */
    public Builder hedging(HedgingPolicy hedging) {
      this.hedging = requireNonNull(hedging, "hedging");
      return this;
    }

    /**
     * Lets a failed call be answered with the last good response to an equal request (unary
     * methods only), marked {@code switchboard-fallback: cache}.
     */
    public Builder cacheable(boolean cacheable) {
      this.cacheable = cacheable;
      return this;
    }

    /** Sets a fixed response (of the method's response type) for calls that fail. */
    public Builder fallbackResponse(Object response) {
      this.fallbackResponse = requireNonNull(response, "response");
      return this;
    }

    /** Sets the status codes after which a fallback answers (default UNAVAILABLE, DEADLINE_EXCEEDED). */
    public Builder fallbackOn(Set<Status.Code> codes) {
      Set<Status.Code> copy = Set.copyOf(requireNonNull(codes, "codes"));
      if (copy.isEmpty() || copy.contains(Status.Code.OK)) {
        throw new IllegalArgumentException("fallbackOn " + codes
            + " is invalid (allowed: one or more failure codes)");
      }
      this.fallbackOn = copy;
      return this;
    }

    /**
     * Returns the policy.
     *
     * @throws IllegalArgumentException for combinations that are not allowed: retry together with
     *     hedging; hedging, or retrying DEADLINE_EXCEEDED, on a method not marked idempotent
     */
    public MethodPolicy build() {
      if (retry != null && hedging != null) {
        throw new IllegalArgumentException("a method may have a retry policy or a hedging policy,"
            + " not both");
      }
      if (hedging != null && !idempotent) {
        throw new IllegalArgumentException("hedging needs an idempotent method: mark it"
            + " idempotent(true) if executing it twice is harmless");
      }
      if (retry != null && !idempotent && retry.retryOn().contains(Status.Code.DEADLINE_EXCEEDED)) {
        throw new IllegalArgumentException("retrying DEADLINE_EXCEEDED needs an idempotent method"
            + " (the first attempt may still be running): mark it idempotent(true) or drop"
            + " DEADLINE_EXCEEDED from retryOn");
      }
      return new MethodPolicy(this);
    }
  }
}
