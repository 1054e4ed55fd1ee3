package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.internal.Durations;
import dev.switchboard.rpc.internal.FallbackInterceptor;
import dev.switchboard.rpc.internal.FallbackStats;
import dev.switchboard.rpc.internal.InProcessFallback;
import dev.switchboard.rpc.internal.MethodPolicies;
import dev.switchboard.rpc.internal.MethodPolicyInterceptor;
import dev.switchboard.rpc.internal.RegistryTarget;
import dev.switchboard.rpc.internal.RequestFieldHashKeyInterceptor;
import dev.switchboard.rpc.internal.RetryBudgetTracker;
import dev.switchboard.rpc.internal.ServiceBinding;
import dev.switchboard.rpc.internal.StubTypes;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProviders;
import dev.switchboard.rpc.resolver.RegistryNameResolverProvider;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.ServiceDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Hands out generated gRPC stubs whose channels discover the service's instances from a registry
 * and balance calls across them.
 *
 * <pre>{@code
 * try (RpcClient client = RpcClient.builder().registry("zk://127.0.0.1:2181").build()) {
 *   GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub);
 *   greeter.sayHello(HelloRequest.newBuilder().setName("world").build());
 * }
 * }</pre>
 *
 * <p>Channels are shared: one per (service, balancer and its settings), created on first use, all on one registry
 * connection. Stubs are cheap; make as many as you like. {@link #close()} shuts the channels down
 * and then closes the registry (if the client opened it).
 *
 * <p>Thread-safe.
 */
public final class RpcClient implements AutoCloseable {

  /** The balancer used when neither the reference nor the client names one. */
  public static final String DEFAULT_BALANCER = "switchboard_weighted_round_robin";

  private final String registryUri;
  private final Registry registry;
  private final boolean ownsRegistry;
  private final String defaultBalancer;
  private final Duration defaultDeadline;
  private final Duration shutdownGrace;
  private final Map<ChannelKey, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Map<ChannelKey, RetryBudgetTracker> budgets = new ConcurrentHashMap<>();
  private final Map<IdentityKey, InProcessFallback> fallbackServers = new ConcurrentHashMap<>();
  private final FallbackStats fallbackStats = new FallbackStats(System::nanoTime);
  private final Cache<FallbackInterceptor.CacheKey, Object> responseCache;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RpcClient(Builder builder, Registry registry, boolean ownsRegistry) {
    this.registryUri = builder.registryUri;
    this.registry = registry;
    this.ownsRegistry = ownsRegistry;
    this.defaultBalancer = builder.defaultBalancer;
    this.defaultDeadline = builder.defaultDeadline;
    this.shutdownGrace = builder.shutdownGrace;
    this.responseCache = Caffeine.newBuilder()
        // Maintenance on the calling thread: handing it to a pool wakes a thread per write,
        // which costs more than the work on a busy 2-core machine (CallOverheadBenchmark).
        .executor(Runnable::run)
        .maximumSize(builder.responseCacheSize)
        .expireAfterWrite(builder.responseCacheTtl)
        .build();
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a stub from {@code factory} (e.g. {@code GreeterGrpc::newBlockingStub}) for the
   * service named in its generated class, with the client's defaults.
   */
  public <S extends AbstractStub<S>> S stub(Function<Channel, S> factory) {
    return stub(factory, ReferenceConfig.defaults());
  }

  /** Returns a stub from {@code factory} configured by {@code config}. */
  public <S extends AbstractStub<S>> S stub(Function<Channel, S> factory, ReferenceConfig config) {
    Class<S> type = StubTypes.typeOf(factory);
    return newStub(factory, type, config, "stub(" + type.getSimpleName() + ")");
  }

  /** Returns a stub of {@code stubType} (a generated stub class) with the client's defaults. */
  public <S extends AbstractStub<S>> S stub(Class<S> stubType) {
    return stub(stubType, ReferenceConfig.defaults());
  }

  /** Returns a stub of {@code stubType} configured by {@code config}. */
  public <S extends AbstractStub<S>> S stub(Class<S> stubType, ReferenceConfig config) {
    String where = "stub(" + stubType.getName() + ")";
    return newStub(StubTypes.factoryFor(stubType, where), stubType, config, where);
  }

  /**
   * Fills every {@link RpcReference} field of {@code target} (including inherited ones) with a
   * stub, and returns {@code target}.
   *
   * @throws IllegalArgumentException naming the field, if its type is not a generated stub or its
   *     annotation is invalid; no field is set in that case
   */
  public <T> T inject(T target) {
    List<Field> fields = new ArrayList<>();
    List<Object> stubs = new ArrayList<>();
    for (Class<?> type = target.getClass(); type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        RpcReference annotation = field.getAnnotation(RpcReference.class);
        if (annotation == null) {
          continue;
        }
        String where = type.getName() + "." + field.getName();
        if (Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
          throw new IllegalArgumentException("@RpcReference on " + where
              + ": the field must be neither static nor final");
        }
        ReferenceConfig config = ReferenceConfig.from(annotation, where);
        stubs.add(newStub(StubTypes.factoryFor(field.getType(), "@RpcReference on " + where),
            field.getType(), config, "@RpcReference on " + where));
        fields.add(field);
      }
    }
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      try {
        field.setAccessible(true);
        field.set(target, stubs.get(i));
      } catch (IllegalAccessException | RuntimeException e) {
        throw new IllegalStateException("cannot set " + field, e);
      }
    }
    return target;
  }

  /**
   * Returns the shared channel for {@code service} with the client's default balancer; for
   * callers that build their own stubs or calls.
   */
  public Channel channel(String service) {
    return channel(service, defaultBalancer, "channel(" + service + ")");
  }

  private <S> S newStub(Function<Channel, S> factory, Class<?> type, ReferenceConfig config,
      String where) {
    String service = config.service().orElseGet(() -> StubTypes.serviceName(type, where));
    ServiceDescriptor descriptor = StubTypes.serviceDescriptor(type, where);
    MethodPolicy defaults = config.methodDefaults();
    if (defaults.deadline().isEmpty() && defaultDeadline != null) {
      defaults = defaults.toBuilder().deadline(defaultDeadline).build();
    }
    MethodPolicies policies =
        MethodPolicies.resolve(descriptor, defaults, config.methods(), where);
    String balancer = config.balancer().orElse(defaultBalancer);
    ChannelKey key = new ChannelKey(service, balancer, config.balancerConfig(),
        config.outlierDetection().orElse(null), policies.methodConfig(descriptor.getName()),
        config.retryBudget());
    Channel channel = channel(key, where);
    RetryBudgetTracker budget = budgets.computeIfAbsent(key,
        k -> new RetryBudgetTracker(k.retryBudget(), System::nanoTime));
    // Outermost first: fallback; per-method deadline and attempt record; hash key from the
    // context; from the request field (unless an explicit key or the header gives one).
    List<ClientInterceptor> interceptors = new ArrayList<>();
    Channel fallbackChannel = config.fallback()
        .map(implementation -> fallbackChannel(implementation, descriptor, where)).orElse(null);
    if (fallbackChannel != null || policies.any(MethodPolicy::hasFallback)) {
      interceptors.add(new FallbackInterceptor(policies, fallbackChannel, responseCache,
          fallbackStats));
    }
    interceptors.add(new MethodPolicyInterceptor(policies, budget));
    interceptors.add(HashKeys.contextInterceptor());
    config.hashField().ifPresent(field -> interceptors.add(
        new RequestFieldHashKeyInterceptor(field, config.hashHeader().orElse(null))));
    // ClientInterceptors.intercept applies the last one first: reverse to keep the order above.
    java.util.Collections.reverse(interceptors);
    return factory.apply(ClientInterceptors.intercept(channel, interceptors));
  }

  /** Serves {@code implementation} in-process, once, and returns a channel to it. */
  private Channel fallbackChannel(Object implementation, ServiceDescriptor expected,
      String where) {
    ServiceBinding binding;
    try {
      binding = ServiceBinding.of(implementation);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": fallback " + e.getMessage(), e);
    }
    String actual = binding.definition().getServiceDescriptor().getName();
    if (!actual.equals(expected.getName())) {
      throw new IllegalArgumentException(where + ": fallback object "
          + implementation.getClass().getName() + " implements " + actual
          + ", but the reference calls " + expected.getName());
    }
    return fallbackServers.computeIfAbsent(new IdentityKey(implementation),
        k -> InProcessFallback.start(binding.definition())).channel();
  }

  private Channel channel(String service, String balancer, String where) {
    return channel(new ChannelKey(service, balancer, Map.of(), null, List.of(),
        RetryBudget.DEFAULT), where);
  }

  private Channel channel(ChannelKey key, String where) {
    if (closed.get()) {
      throw new IllegalStateException("RpcClient is closed");
    }
    Map<String, ?> policy = checkBalancer(key.balancer(), key.balancerConfig(), where);
    if (key.outlierDetection() != null) {
      policy = key.outlierDetection().wrap(key.balancer(), key.balancerConfig());
    }
    Map<String, ?> serviceConfig = key.methodConfig().isEmpty()
        ? Map.of("loadBalancingConfig", List.of(policy))
        : Map.of("loadBalancingConfig", List.of(policy), "methodConfig", key.methodConfig());
    return channels.computeIfAbsent(key, k ->
        NettyChannelBuilder.forTarget(RegistryTarget.targetFor(registryUri, k.service()))
            .setNameResolverArg(RegistryNameResolverProvider.REGISTRY, registry)
            .defaultServiceConfig(serviceConfig)
            .enableRetry()
            .usePlaintext()
            .build());
  }

  /** Checks that {@code balancer} exists and accepts {@code config}; returns its policy entry. */
  private static Map<String, ?> checkBalancer(String balancer, Map<String, ?> config,
      String where) {
    LoadBalancerProvider provider = LoadBalancerRegistry.getDefaultRegistry().getProvider(balancer);
    if (provider == null) {
      throw new IllegalArgumentException(where + ": balancer '" + balancer + "' is unknown: no"
          + " gRPC LoadBalancerProvider has that policy name (Switchboard's are in"
          + " switchboard-loadbalance, e.g. " + DEFAULT_BALANCER + "; gRPC's include round_robin"
          + " and pick_first)");
    }
    if (!config.isEmpty()) {
      NameResolver.ConfigOrError parsed = provider.parseLoadBalancingPolicyConfig(config);
      if (parsed.getError() != null) {
        throw new IllegalArgumentException(where + ": balancer '" + balancer
            + "' rejects its settings: " + parsed.getError().getDescription());
      }
    }
    return Map.of(balancer, config);
  }

  /**
   * Shuts down every channel, letting calls in flight finish for up to the shutdown grace period
   * before cancelling them, then closes the registry if the client opened it. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (ManagedChannel channel : channels.values()) {
      channel.shutdown();
    }
    for (ManagedChannel channel : channels.values()) {
      try {
        if (!channel.awaitTermination(shutdownGrace.toNanos(), TimeUnit.NANOSECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    for (InProcessFallback fallback : fallbackServers.values()) {
      fallback.close();
    }
    if (ownsRegistry) {
      registry.close();
    }
  }

  /** Returns how many calls fallbacks have answered, per full method name. */
  public Map<String, Long> fallbackCounts() {
    return fallbackStats.counts();
  }

  private record ChannelKey(String service, String balancer, Map<String, ?> balancerConfig,
      OutlierDetection outlierDetection, List<Map<String, ?>> methodConfig,
      RetryBudget retryBudget) {}

  /** Compares by identity: fallback objects need not implement equals. */
  private record IdentityKey(Object object) {
    @Override
    public boolean equals(Object other) {
      return other instanceof IdentityKey that && that.object == object;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(object);
    }
  }

  /** Builds an {@link RpcClient}; validates every setting as it is given. Not thread-safe. */
  public static final class Builder {
    private String registryUri;
    private Registry registry;
    private String defaultBalancer = DEFAULT_BALANCER;
    private Duration defaultDeadline;
    private Duration shutdownGrace = Duration.ofSeconds(5);
    private long responseCacheSize = 10_000;
    private Duration responseCacheTtl = Duration.ofMinutes(10);

    private Builder() {}

    /**
     * Sizes the cache of last good responses that answers failed calls of cacheable methods:
     * at most {@code maxEntries} (1..10,000,000; 10,000 by default), each kept {@code ttl}
     * (positive; 10 min by default).
     */
    public Builder responseCache(long maxEntries, Duration ttl) {
      if (maxEntries < 1 || maxEntries > 10_000_000) {
        throw new IllegalArgumentException("response cache size " + maxEntries
            + " is out of range (allowed: 1..10000000)");
      }
      this.responseCacheSize = maxEntries;
      this.responseCacheTtl = Durations.checkPositive(requireNonNull(ttl, "ttl"),
          "responseCache ttl");
      return this;
    }

    /**
     * Sets how long {@link #close()} lets calls in flight finish before cancelling them; 5 s by
     * default, zero allowed. (gRPC also keeps connections to instances that left the registry
     * for a few seconds, for calls already routed to them; close waits for those too.)
     */
    public Builder shutdownGrace(Duration grace) {
      requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("shutdownGrace " + grace + " is negative (allowed: >= 0)");
      }
      this.shutdownGrace = grace;
      return this;
    }

    /**
     * Sets the registry to discover services in, by URI, e.g. {@code zk://127.0.0.1:2181} or
     * {@code memory://test}; the client opens it and closes it on {@link #close()}.
     */
    public Builder registry(String registryUri) {
      this.registryUri = requireNonNull(registryUri, "registryUri");
      this.registry = null;
      return this;
    }

    /**
     * Sets a registry the caller owns (the client never closes it), reachable as
     * {@code registryUri}; channel targets are {@code registryUri/service}.
     */
    public Builder registry(String registryUri, Registry registry) {
      this.registryUri = requireNonNull(registryUri, "registryUri");
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /** Sets the balancer for references that name none; {@value #DEFAULT_BALANCER} by default. */
    public Builder defaultBalancer(String balancer) {
      checkBalancer(requireNonNull(balancer, "balancer"), Map.of(), "defaultBalancer");
      this.defaultBalancer = balancer;
      return this;
    }

    /**
     * Sets the deadline for calls whose reference, caller and enclosing call set none; must be
     * positive. Without it such calls have no deadline.
     */
    public Builder defaultDeadline(Duration deadline) {
      this.defaultDeadline =
          Durations.checkPositive(requireNonNull(deadline, "deadline"), "defaultDeadline");
      return this;
    }

    /**
     * Returns a client with these settings, opening the registry if it was given by URI.
     *
     * @throws IllegalStateException if no registry was set
     * @throws IllegalArgumentException if the registry URI is malformed or its scheme unknown
     */
    public RpcClient build() {
      if (registryUri == null) {
        throw new IllegalStateException("no registry set: call registry(\"zk://host:port\")");
      }
      if (registry != null) {
        return new RpcClient(this, registry, false);
      }
      return new RpcClient(this, RegistryProviders.loadDefault().open(registryUri), true);
    }
  }
}
