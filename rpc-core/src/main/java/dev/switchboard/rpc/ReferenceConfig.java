package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.internal.Durations;
import dev.switchboard.rpc.registry.Names;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a consumer calls one service: which service, with which balancer and default deadline.
 * Unset values fall back to the {@link RpcClient}'s defaults. Built by {@link #builder()} or read
 * from an {@link RpcReference}; later versions add retry and fallback policies here.
 *
 * <p>Immutable.
 */
public final class ReferenceConfig {
  private static final ReferenceConfig DEFAULTS = builder().build();

  private final String service;
  private final String balancer;
  private final Duration deadline;

  private ReferenceConfig(Builder builder) {
    this.service = builder.service;
    this.balancer = builder.balancer;
    this.deadline = builder.deadline;
  }

  /** Returns a config that sets nothing: every value comes from the client or the stub. */
  public static ReferenceConfig defaults() {
    return DEFAULTS;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads {@code annotation}.
   *
   * @param where names the annotated field in error messages
   * @throws IllegalArgumentException naming the field, the value and what is allowed
   */
  public static ReferenceConfig from(RpcReference annotation, String where) {
    Builder builder = builder();
    try {
      if (!annotation.service().isEmpty()) {
        builder.service(annotation.service());
      }
      if (!annotation.balancer().isEmpty()) {
        builder.balancer(annotation.balancer());
      }
      if (!annotation.deadline().isEmpty()) {
        builder.deadline(Durations.parse(annotation.deadline(), "deadline"));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("@RpcReference on " + where + ": " + e.getMessage(), e);
    }
    return builder.build();
  }

  /** Returns the service name, if set. */
  public Optional<String> service() {
    return Optional.ofNullable(service);
  }

  /** Returns the load-balancing policy name, if set. */
  public Optional<String> balancer() {
    return Optional.ofNullable(balancer);
  }

  /** Returns the default deadline, if set. */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** Returns a builder holding this config's values. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.service = service;
    builder.balancer = balancer;
    builder.deadline = deadline;
    return builder;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ReferenceConfig that && Objects.equals(service, that.service)
        && Objects.equals(balancer, that.balancer) && Objects.equals(deadline, that.deadline);
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, balancer, deadline);
  }

  @Override
  public String toString() {
    return "ReferenceConfig{service=" + service + ", balancer=" + balancer + ", deadline="
        + deadline + "}";
  }

  /** Builds a {@link ReferenceConfig}; validates each value as it is set. Not thread-safe. */
  public static final class Builder {
    private String service;
    private String balancer;
    private Duration deadline;

    private Builder() {}

    /** Sets the registered service name. */
    public Builder service(String service) {
      this.service = Names.checkServiceName(service);
      return this;
    }

    /**
     * Sets the gRPC load-balancing policy name; whether it is registered is checked when a stub
     * is created.
     */
    public Builder balancer(String balancer) {
      requireNonNull(balancer, "balancer");
      if (balancer.isBlank()) {
        throw new IllegalArgumentException("balancer name is blank");
      }
      this.balancer = balancer;
      return this;
    }

    /** Sets the default deadline for calls that carry none; must be positive. */
    public Builder deadline(Duration deadline) {
      this.deadline = Durations.checkPositive(requireNonNull(deadline, "deadline"), "deadline");
      return this;
    }

    /** Returns the config. */
    public ReferenceConfig build() {
      return new ReferenceConfig(this);
    }
  }
}
