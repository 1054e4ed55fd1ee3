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
 * How a consumer calls one service: which service, with which balancer (and its settings),
 * deadline, retry, hedging and fallback policies. Unset values fall back to the
 * {@link RpcClient}'s defaults. Built by {@link #builder()} or read from an {@link RpcReference}.
 *
 * <p>Immutable.
 */
public final class ReferenceConfig {
  private static final ReferenceConfig DEFAULTS = builder().build();

  private final String service;
  private final BalancerSettings balancer;
  private final Duration deadline;
  private final String hashField;
  private final OutlierDetection outlierDetection;
  private final MethodPolicy methodDefaults;
  private final Map<String, MethodPolicy> methods;
  private final Object fallback;
  private final Class<?> fallbackType;
  private final RetryBudget retryBudget;
  private final ClientTls tls;
  private final int subsetSize;

  private ReferenceConfig(Builder builder) {
    this.service = builder.service;
    this.balancer = builder.balancer;
    this.deadline = builder.deadline;
    this.hashField = builder.hashField;
    this.outlierDetection = builder.outlierDetection;
    this.methodDefaults = builder.methodDefaults;
    this.methods = Map.copyOf(builder.methods);
    this.fallback = builder.fallback;
    this.fallbackType = builder.fallbackType;
    this.retryBudget = builder.retryBudget;
    this.tls = builder.tls;
    this.subsetSize = builder.subsetSize;
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
        builder.balancer(BalancerSettings.of(annotation.balancer(),
            settingsTree(annotation.balancerSettings())));
      } else if (annotation.balancerSettings().length > 0) {
        throw new IllegalArgumentException("balancerSettings need a balancer: name it with"
            + " balancer = \"...\"");
      }
      if (!annotation.deadline().isEmpty()) {
        builder.deadline(Durations.parse(annotation.deadline(), "deadline"));
      }
      if (!annotation.hashField().isEmpty()) {
        builder.hashField(annotation.hashField());
      }
      if (annotation.ejectOutliers()) {
        builder.outlierDetection(OutlierDetection.DEFAULTS);
      }
      if (annotation.subsetSize() != 0) {
        builder.subsetSize(annotation.subsetSize());
      }
      Set<Status.Code> retryOn = RetryPolicy.codes(annotation.retryOn());
      if (annotation.maxAttempts() != 1) {
        builder.methodDefaults(MethodPolicy.builder()
            .retry(RetryPolicy.attempts(annotation.maxAttempts()).retryingOn(retryOn)).build());
      }
      if (annotation.fallback() != Void.class) {
        builder.fallback(annotation.fallback());
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

  /**
   * Turns {@code "a=1", "b.c=x"} into {@code {a: "1", b: {c: "x"}}}: the balancer parses the
   * values (it accepts numbers and booleans written as strings).
   */
  static Map<String, ?> settingsTree(String[] settings) {
    Map<String, Object> tree = new LinkedHashMap<>();
    for (String setting : settings) {
      int equals = setting.indexOf('=');
      if (equals <= 0 || equals == setting.length() - 1) {
        throw new IllegalArgumentException("balancerSettings entry '" + setting
            + "' is not key=value (e.g. \"decayWindow=5s\")");
      }
      String[] path = setting.substring(0, equals).split("\\.", -1);
      for (int k = 0; k < path.length; k++) {
        path[k] = path[k].trim();
        if (path[k].isEmpty()) {
          throw new IllegalArgumentException("balancerSettings entry '" + setting
              + "' has an empty key part (e.g. \"failureAccrual.consecutiveFailures=3\")");
        }
      }
      Map<String, Object> node = tree;
      for (int k = 0; k < path.length - 1; k++) {
        Object child = node.computeIfAbsent(path[k], key -> new LinkedHashMap<String, Object>());
        if (!(child instanceof Map<?, ?>)) {
          throw new IllegalArgumentException("balancerSettings entry '" + setting
              + "' conflicts with the value already set for " + path[k]);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> next = (Map<String, Object>) child;
        node = next;
      }
      if (node.put(path[path.length - 1], setting.substring(equals + 1).trim()) != null) {
        throw new IllegalArgumentException("balancerSettings sets "
            + setting.substring(0, equals) + " twice");
      }
    }
    return tree;
  }

  /** Returns the service name, if set. */
  public Optional<String> service() {
    return Optional.ofNullable(service);
  }

  /** Returns the balancer (policy name and settings), if set. */
  public Optional<BalancerSettings> balancer() {
    return Optional.ofNullable(balancer);
  }

  /** Returns the default deadline, if set. */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** Returns the request field that carries the hash key, if set. */
  public Optional<String> hashField() {
    return Optional.ofNullable(hashField);
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

  /**
   * Returns the fallback class, if any: an implementation of the same gRPC service with a
   * no-argument constructor, created once per {@link RpcClient}.
   */
  public Optional<Class<?>> fallbackType() {
    return Optional.ofNullable(fallbackType);
  }

  /** Returns the reference's own TLS settings, if they override the client's. */
  public Optional<ClientTls> tls() {
    return Optional.ofNullable(tls);
  }

  /**
   * Returns how many instances this reference's channel connects to (subsetting), or 0 for all;
   * see {@link Builder#subsetSize(int)}.
   */
  public int subsetSize() {
    return subsetSize;
  }

  /** Returns the retry budget of the reference's channel. */
  public RetryBudget retryBudget() {
    return retryBudget;
  }

  /** Returns a builder holding this config's values. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.service = service;
    builder.balancer = balancer;
    builder.deadline = deadline;
    builder.hashField = hashField;
    builder.outlierDetection = outlierDetection;
    builder.methodDefaults = methodDefaults;
    builder.methods.putAll(methods);
    builder.fallback = fallback;
    builder.fallbackType = fallbackType;
    builder.tls = tls;
    builder.retryBudget = retryBudget;
    builder.subsetSize = subsetSize;
    return builder;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ReferenceConfig that && Objects.equals(service, that.service)
        && Objects.equals(balancer, that.balancer) && Objects.equals(deadline, that.deadline)
        && Objects.equals(hashField, that.hashField)
        && Objects.equals(outlierDetection, that.outlierDetection)
        && methodDefaults.equals(that.methodDefaults) && methods.equals(that.methods)
        && fallback == that.fallback && fallbackType == that.fallbackType
        && retryBudget.equals(that.retryBudget) && Objects.equals(tls, that.tls)
        && subsetSize == that.subsetSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, balancer, deadline, hashField, outlierDetection, methodDefaults,
        methods, System.identityHashCode(fallback), fallbackType, retryBudget, tls, subsetSize);
  }

  @Override
  public String toString() {
    return "ReferenceConfig{service=" + service + ", balancer=" + balancer + ", deadline="
        + deadline + ", hashField=" + hashField + ", outlierDetection=" + outlierDetection
        + ", methodDefaults=" + methodDefaults + ", methods=" + methods + ", fallback="
        + (fallback != null ? fallback.getClass().getName() : fallbackType) + ", retryBudget="
        + retryBudget + ", tls=" + tls + ", subsetSize=" + subsetSize + "}";
  }

  /** Builds a {@link ReferenceConfig}; validates each value as it is set. Not thread-safe. */
  public static final class Builder {
    private String service;
    private BalancerSettings balancer;
    private Duration deadline;
    private String hashField;
    private OutlierDetection outlierDetection;
    private MethodPolicy methodDefaults = MethodPolicy.none();
    private final Map<String, MethodPolicy> methods = new LinkedHashMap<>();
    private Object fallback;
    private Class<?> fallbackType;
    private RetryBudget retryBudget = RetryBudget.DEFAULT;
    private ClientTls tls;
    private int subsetSize;

    private Builder() {}

    /**
     * Connects this reference's channel to at most {@code size} of the service's instances
     * (subsetting, gRFC A68's random subsetting by rendezvous hashing): each client ranks the
     * SERVING instances by a hash of its own random seed and the instance id and keeps the top
     * {@code size}, so a fleet of clients spreads its connections evenly, and an instance that
     * leaves changes only the subsets it was in. For services with many instances and many
     * clients, where every client connecting to every instance costs too much. 0 (the default)
     * for all instances; 1..10,000 otherwise.
     */
    public Builder subsetSize(int size) {
      if (size < 0 || size > 10_000) {
        throw new IllegalArgumentException("subsetSize " + size + " is out of range (allowed:"
            + " 1..10000, or 0 for every instance)");
      }
      this.subsetSize = size;
      return this;
    }

    /**
     * Calls this reference's service over TLS with {@code tls}, whatever the client's default
     * (its own trust, key pair and expected identities).
     */
    public Builder tls(ClientTls tls) {
      this.tls = requireNonNull(tls, "tls");
      return this;
    }

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
      this.fallbackType = null;
      return this;
    }

    /**
     * Sets the fallback by class, as {@link RpcReference#fallback()} does: an implementation of
     * the same gRPC service with a no-argument constructor, created once per client however many
     * stubs use it.
     *
     * @throws IllegalArgumentException if the class has no no-argument constructor
     */
    public Builder fallback(Class<?> type) {
      requireNonNull(type, "type");
      try {
        type.getDeclaredConstructor();
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException("fallback " + type.getName()
            + " cannot be created: it needs a no-argument constructor", e);
      }
      this.fallbackType = type;
      this.fallback = null;
      return this;
    }

    /** Sets the retry budget of the reference's channel; {@link RetryBudget#DEFAULT} by default. */
    public Builder retryBudget(RetryBudget budget) {
      this.retryBudget = requireNonNull(budget, "budget");
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
     * Sets the gRPC load-balancing policy by name, with its default settings; whether it is
     * registered is checked when a stub is created.
     */
    public Builder balancer(String balancer) {
      this.balancer = BalancerSettings.named(balancer);
      return this;
    }

    /**
     * Sets the balancer with its settings, e.g. {@code Balancer.peakEwma().decayWindow(...)
     * .build()} from switchboard-loadbalance; checked by the policy when a stub is created.
     */
    public Builder balancer(BalancerSettings balancer) {
      this.balancer = requireNonNull(balancer, "balancer");
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
