package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.internal.Durations;
import dev.switchboard.rpc.registry.Names;
import io.grpc.Status;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
  private final String hashHeader;
  private final String hashField;
  private final double boundedLoadFactor;
  private final Duration warmUp;
  private final OutlierDetection outlierDetection;
  private final MethodPolicy methodDefaults;
  private final Map<String, MethodPolicy> methods;
  private final Object fallback;
  private final RetryBudget retryBudget;

  private ReferenceConfig(Builder builder) {
    this.service = builder.service;
    this.balancer = builder.balancer;
    this.deadline = builder.deadline;
    this.hashHeader = builder.hashHeader;
    this.hashField = builder.hashField;
    this.boundedLoadFactor = builder.boundedLoadFactor;
    this.warmUp = builder.warmUp;
    this.outlierDetection = builder.outlierDetection;
    this.methodDefaults = builder.methodDefaults;
    this.methods = Map.copyOf(builder.methods);
    this.fallback = builder.fallback;
    this.retryBudget = builder.retryBudget;
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
      if (!annotation.hashHeader().isEmpty()) {
        builder.hashHeader(annotation.hashHeader());
      }
      if (!annotation.hashField().isEmpty()) {
        builder.hashField(annotation.hashField());
      }
      if (annotation.boundedLoadFactor() != 0) {
        builder.boundedLoadFactor(annotation.boundedLoadFactor());
      }
      if (!annotation.warmUp().isEmpty()) {
        builder.warmUp(Durations.parse(annotation.warmUp(), "warmUp"));
      }
      if (annotation.ejectOutliers()) {
        builder.outlierDetection(OutlierDetection.DEFAULTS);
      }
      Set<Status.Code> retryOn = RetryPolicy.codes(annotation.retryOn());
      if (annotation.maxAttempts() != 1) {
        builder.methodDefaults(MethodPolicy.builder()
            .retry(RetryPolicy.attempts(annotation.maxAttempts()).retryingOn(retryOn)).build());
      }
      if (annotation.fallback() != Void.class) {
        builder.fallback(instantiate(annotation.fallback()));
      }
      for (RpcMethod method : annotation.methods()) {
        try {
          builder.method(method.name(), methodPolicy(method, annotation.maxAttempts(), retryOn));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("method " + method.name() + ": " + e.getMessage(), e);
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("@RpcReference on " + where + ": " + e.getMessage(), e);
    }
    return builder.build();
  }

  private static MethodPolicy methodPolicy(RpcMethod method, int referenceAttempts,
      Set<Status.Code> referenceRetryOn) {
    MethodPolicy.Builder policy = MethodPolicy.builder()
        .idempotent(method.idempotent())
        .cacheable(method.cacheable());
    if (!method.deadline().isEmpty()) {
      policy.deadline(Durations.parse(method.deadline(), "deadline"));
    }
    int attempts = method.maxAttempts() == 0 ? referenceAttempts : method.maxAttempts();
    Set<Status.Code> retryOn = method.retryOn().length == 0
        ? referenceRetryOn : RetryPolicy.codes(method.retryOn());
    if (!method.hedgingDelay().isEmpty()) {
      policy.hedging(new HedgingPolicy(Math.max(2, attempts),
          Durations.parse(method.hedgingDelay(), "hedgingDelay")));
    } else if (attempts != 1) {
      policy.retry(RetryPolicy.attempts(attempts).retryingOn(retryOn));
    }
    return policy.build();
  }

  private static Object instantiate(Class<?> type) {
    try {
      java.lang.reflect.Constructor<?> constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      return constructor.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("fallback " + type.getName()
          + " cannot be created: it needs a no-argument constructor (" + e + ")", e);
    }
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

  /** Returns the metadata header that carries the hash key, if set. */
  public Optional<String> hashHeader() {
    return Optional.ofNullable(hashHeader);
  }

  /** Returns the request field that carries the hash key, if set. */
  public Optional<String> hashField() {
    return Optional.ofNullable(hashField);
  }

  /** Returns the bounded-load factor, 0 for none. */
  public double boundedLoadFactor() {
    return boundedLoadFactor;
  }

  /** Returns the warm-up window, if set. */
  public Optional<Duration> warmUp() {
    return Optional.ofNullable(warmUp);
  }

  /** Returns the outlier detection settings, if ejection is on. */
  public Optional<OutlierDetection> outlierDetection() {
    return Optional.ofNullable(outlierDetection);
  }

  /**
   * Returns the policy for every method of the service (its deadline defaulting to
   * {@link #deadline()}), before per-method overrides.
   */
  public MethodPolicy methodDefaults() {
    if (deadline != null && methodDefaults.deadline().isEmpty()) {
      return methodDefaults.toBuilder().deadline(deadline).build();
    }
    return methodDefaults;
  }

  /** Returns the per-method policies, by bare method name (e.g. {@code SayHello}). */
  public Map<String, MethodPolicy> methods() {
    return methods;
  }

  /** Returns the fallback object, if any: an implementation of the same gRPC service. */
  public Optional<Object> fallback() {
    return Optional.ofNullable(fallback);
  }

  /** Returns the retry budget of the reference's channel. */
  public RetryBudget retryBudget() {
    return retryBudget;
  }

  /**
   * Returns the balancer's JSON configuration for the settings made here (hash header, bounded
   * load, warm-up); the balancer validates it.
   */
  public Map<String, ?> balancerConfig() {
    Map<String, Object> config = new LinkedHashMap<>();
    if (hashHeader != null) {
      config.put("hashHeader", hashHeader);
    }
    if (boundedLoadFactor != 0) {
      config.put("loadFactor", boundedLoadFactor);
    }
    if (warmUp != null) {
      config.put("warmUp", warmUp.toNanos() / 1e9 + "s");
    }
    return Map.copyOf(config);
  }

  /** Returns a builder holding this config's values. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.service = service;
    builder.balancer = balancer;
    builder.deadline = deadline;
    builder.hashHeader = hashHeader;
    builder.hashField = hashField;
    builder.boundedLoadFactor = boundedLoadFactor;
    builder.warmUp = warmUp;
    builder.outlierDetection = outlierDetection;
    builder.methodDefaults = methodDefaults;
    builder.methods.putAll(methods);
    builder.fallback = fallback;
    builder.retryBudget = retryBudget;
    return builder;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ReferenceConfig that && Objects.equals(service, that.service)
        && Objects.equals(balancer, that.balancer) && Objects.equals(deadline, that.deadline)
        && Objects.equals(hashHeader, that.hashHeader)
        && Objects.equals(hashField, that.hashField)
        && boundedLoadFactor == that.boundedLoadFactor && Objects.equals(warmUp, that.warmUp)
        && Objects.equals(outlierDetection, that.outlierDetection)
        && methodDefaults.equals(that.methodDefaults) && methods.equals(that.methods)
        && fallback == that.fallback && retryBudget.equals(that.retryBudget);
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, balancer, deadline, hashHeader, hashField, boundedLoadFactor,
        warmUp, outlierDetection, methodDefaults, methods, System.identityHashCode(fallback),
        retryBudget);
  }

  @Override
  public String toString() {
    return "ReferenceConfig{service=" + service + ", balancer=" + balancer + ", deadline="
        + deadline + ", hashHeader=" + hashHeader + ", hashField=" + hashField
        + ", boundedLoadFactor=" + boundedLoadFactor + ", warmUp=" + warmUp
        + ", outlierDetection=" + outlierDetection + ", methodDefaults=" + methodDefaults
        + ", methods=" + methods + ", fallback=" + fallback + ", retryBudget=" + retryBudget
        + "}";
  }

  /** Builds a {@link ReferenceConfig}; validates each value as it is set. Not thread-safe. */
  public static final class Builder {
    private String service;
    private String balancer;
    private Duration deadline;
    private String hashHeader;
    private String hashField;
    private double boundedLoadFactor;
    private Duration warmUp;
    private OutlierDetection outlierDetection;
    private MethodPolicy methodDefaults = MethodPolicy.none();
    private final Map<String, MethodPolicy> methods = new LinkedHashMap<>();
    private Object fallback;
    private RetryBudget retryBudget = RetryBudget.DEFAULT;

    private Builder() {}

    /** Sets the policy for every method that has none of its own. */
    public Builder methodDefaults(MethodPolicy policy) {
      this.methodDefaults = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the policy of one method, by its bare name ({@code SayHello}); values it leaves unset
     * come from {@link #methodDefaults(MethodPolicy)}. Checked against the service when a stub
     * is created.
     */
    public Builder method(String name, MethodPolicy policy) {
      requireNonNull(name, "name");
      methods.put(name, requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Sets the fallback object: an implementation of the same gRPC service (extending its
     * {@code *ImplBase}) that answers calls failing with a fallback code (see
     * {@link MethodPolicy#fallbackOn()}). Checked when a stub is created.
     */
    public Builder fallback(Object implementation) {
      this.fallback = requireNonNull(implementation, "implementation");
      return this;
    }

    /** Sets the retry budget of the reference's channel; {@link RetryBudget#DEFAULT} by default. */
    public Builder retryBudget(RetryBudget budget) {
      this.retryBudget = requireNonNull(budget, "budget");
      return this;
    }

    /** Sets the request metadata header whose value is the hash key (consistent hashing). */
    public Builder hashHeader(String header) {
      requireNonNull(header, "header");
      if (!header.matches("[a-z0-9_.\\-]+")) {
        throw new IllegalArgumentException("hash header '" + header + "' is invalid (allowed:"
            + " lower-case letters, digits, '_', '.', '-')");
      }
      this.hashHeader = header;
      return this;
    }

    /** Sets the request field whose value is the hash key (consistent hashing). */
    public Builder hashField(String field) {
      requireNonNull(field, "field");
      if (!field.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("hash field '" + field + "' is not a field name");
      }
      this.hashField = field;
      return this;
    }

    /** Sets the bounded-load factor for consistent hashing: more than 1 (e.g. 1.25). */
    public Builder boundedLoadFactor(double factor) {
      if (!(factor > 1) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException("bounded load factor " + factor
            + " is out of range (allowed: > 1, e.g. 1.25)");
      }
      this.boundedLoadFactor = factor;
      return this;
    }

    /** Sets the warm-up window for the weighted balancers; must be positive. */
    public Builder warmUp(Duration window) {
      this.warmUp = Durations.checkPositive(requireNonNull(window, "window"), "warmUp");
      return this;
    }

    /** Turns on outlier ejection with {@code settings}. */
    public Builder outlierDetection(OutlierDetection settings) {
      this.outlierDetection = requireNonNull(settings, "settings");
      return this;
    }

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
