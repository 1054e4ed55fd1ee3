package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.rpc.internal.ClientMetrics;
import dev.switchboard.rpc.internal.Durations;
import dev.switchboard.rpc.internal.ExplainLimiter;
import dev.switchboard.rpc.internal.FallbackInterceptor;
import dev.switchboard.rpc.internal.FallbackStats;
import dev.switchboard.rpc.internal.InProcessFallback;
import dev.switchboard.rpc.internal.Instrumentation;
import dev.switchboard.rpc.internal.ReferenceCompiler;
import dev.switchboard.rpc.internal.RegistryMetrics;
import dev.switchboard.rpc.internal.ReferenceCompiler.ChannelKey;
import dev.switchboard.rpc.internal.ReferenceCompiler.CompiledReference;
import dev.switchboard.rpc.internal.RegistryTarget;
import dev.switchboard.rpc.internal.RetryBudgetTracker;
import dev.switchboard.rpc.internal.ServiceBinding;
import dev.switchboard.rpc.internal.StubTypes;
import dev.switchboard.rpc.internal.TlsMaterial;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProviders;
import dev.switchboard.rpc.resolver.RegistryNameResolverProvider;
import dev.switchboard.rpc.resolver.Subsetting;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
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
import java.util.function.LongSupplier;

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
 * <p>Each reference is compiled once, in one place (the reference compiler: channel key, service
 * config, interceptor chain); the client pools channels by that key (service, balancer and its
 * settings, outlier ejection, method policies, retry budget), created on first use, all on one
 * registry connection. Stubs are cheap; make as many as you like. {@link #close()} shuts the
 * channels down, then the fallback servers, then closes the registry (if the client opened it).
 *
 * <p>Any call of its stubs can be explained ({@link Explain}): why each attempt went where it
 * went, logged as one line per attempt, at most {@value Explain#MAX_CALLS_PER_SECOND} calls a
 * second per client.
 *
 * <p>Thread-safe.
 */
public final class RpcClient implements AutoCloseable {

  /** The balancer used when neither the reference nor the client names one. */
  public static final String DEFAULT_BALANCER = ReferenceCompiler.DEFAULT_BALANCER;

  private final String registryUri;
  private final Registry registry;
  private final boolean ownsRegistry;
  private final ReferenceCompiler.ClientDefaults defaults;
  private final Duration shutdownGrace;
  private final LongSupplier nanoClock;
  private final Map<ChannelKey, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Map<ChannelKey, RetryBudgetTracker> budgets = new ConcurrentHashMap<>();
  private final Map<Class<?>, Object> fallbackObjects = new ConcurrentHashMap<>();
  private final Map<IdentityKey, InProcessFallback> fallbackServers = new ConcurrentHashMap<>();
  private final FallbackStats fallbackStats;
  private final FallbackInterceptor.Shared fallbacks;
  private final ExplainLimiter explainLimiter;
  private final ReferenceCompiler.Resources resources = new Resources();
  private final ClientTls tls;
  private final ZoneAffinity zoneAffinity;
  private final long subsetSeed;
  private final TlsMaterial tlsMaterial;
  private final MetricsServer metricsServer;
  private final Instrumentation instrumentation;
  private final ClientMetrics metrics;
  private final RegistryMetrics registryMetrics;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RpcClient(Builder builder, Registry registry, boolean ownsRegistry) {
    this.registryUri = builder.registryUri;
    this.registry = registry;
    this.ownsRegistry = ownsRegistry;
    this.defaults = new ReferenceCompiler.ClientDefaults(builder.defaultBalancer,
        builder.defaultDeadline);
    this.shutdownGrace = builder.shutdownGrace;
    this.nanoClock = builder.nanoClock;
    this.tls = builder.tls;
    this.zoneAffinity = builder.zoneAffinity;
    this.subsetSeed = builder.subsetSeed != null ? builder.subsetSeed
        : new java.security.SecureRandom().nextLong();
    this.tlsMaterial = new TlsMaterial(); // idle (no thread) until a channel needs TLS
    this.fallbackStats = new FallbackStats(nanoClock);
    this.explainLimiter = new ExplainLimiter(Explain.MAX_CALLS_PER_SECOND, nanoClock);
    Cache<FallbackInterceptor.CacheKey, Object> responseCache = Caffeine.newBuilder()
        // Maintenance on the calling thread: handing it to a pool wakes a thread per write,
        // which costs more than the work on a busy 2-core machine (CallOverheadBenchmark).
        .executor(Runnable::run)
        .ticker(nanoClock::getAsLong)
        .maximumSize(builder.responseCacheSize)
        .expireAfterWrite(builder.responseCacheTtl)
        .build();
    this.fallbacks = new FallbackInterceptor.Shared(responseCache, fallbackStats,
        builder.identityHeaders);
    this.metricsServer = builder.metricsPort == null ? null
        : MetricsServer.start(builder.metricsPort);
    this.instrumentation = Instrumentation.of(metricsServer != null ? metricsServer.telemetry()
        : builder.telemetry != null ? builder.telemetry : Telemetry.global());
    this.metrics = instrumentation.enabled()
        ? new ClientMetrics(instrumentation.meter(), fallbackStats, () -> budgets.entrySet()
            .stream().map(e -> Map.entry(e.getKey().service(), e.getValue())).toList())
        : null;
    this.registryMetrics = instrumentation.enabled()
        ? new RegistryMetrics(instrumentation.meter(), registry,
            RegistryMetrics.CLIENT) : null;
  }

  /** Returns the port of the Prometheus endpoint {@code metricsPort(...)} started, if any. */
  public java.util.OptionalInt metricsPort() {
    MetricsServer metrics = metricsServer;
    return metrics == null ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of(metrics.port());
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
   * Returns the service name in the generated {@code *Grpc} class of {@code stubType} (e.g.
   * {@code helloworld.Greeter}): the name a reference to it discovers unless it names another.
   *
   * @throws IllegalArgumentException if {@code stubType} is not a generated stub
   */
  public static String serviceName(Class<?> stubType) {
    return StubTypes.serviceName(stubType, "serviceName(" + stubType.getName() + ")");
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
    String where = "channel(" + service + ")";
    return channel(ReferenceCompiler.plainChannel(service, defaults.balancer(), where));
  }

  private <S> S newStub(Function<Channel, S> factory, Class<?> type, ReferenceConfig config,
      String where) {
    checkOpen();
    String service = config.service().orElseGet(() -> StubTypes.serviceName(type, where));
    ServiceDescriptor descriptor = StubTypes.serviceDescriptor(type, where);
    CompiledReference reference = ReferenceCompiler.compile(config, defaults, descriptor, service,
        resources, where);
    return factory.apply(reference.intercept(channel(reference.channelKey())));
  }

  private Channel channel(ChannelKey key) {
    checkOpen();
    return channels.computeIfAbsent(key, k -> {
      String target = RegistryTarget.sharedRegistryTargetFor(registryUri, k.service());
      ClientTls channelTls = k.tls() != null ? k.tls() : tls;
      NettyChannelBuilder builder = channelTls == null
          ? NettyChannelBuilder.forTarget(target).usePlaintext()
          : NettyChannelBuilder.forTarget(target, tlsMaterial.channel(channelTls, k.service()));
      instrumentation.configure(builder);
      if (zoneAffinity != null) {
        builder.setNameResolverArg(RegistryNameResolverProvider.ZONE_AFFINITY, zoneAffinity);
      }
      if (k.subsetSize() > 0) {
        builder.setNameResolverArg(RegistryNameResolverProvider.SUBSETTING,
            new Subsetting(k.subsetSize(), subsetSeed));
      }
      return builder
          .setNameResolverArg(RegistryNameResolverProvider.REGISTRY, registry)
          .setNameResolverArg(RegistryNameResolverProvider.CHANNEL_TLS, channelTls != null)
          .defaultServiceConfig(k.serviceConfig())
          .enableRetry()
          .build();
    });
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("RpcClient is closed");
    }
  }

  /** The budgets, fallback servers and cache that this client's references share. */
  private final class Resources implements ReferenceCompiler.Resources {
    @Override
    public RetryBudgetTracker budget(ChannelKey key) {
      return budgets.computeIfAbsent(key, k -> new RetryBudgetTracker(k.retryBudget(), nanoClock));
    }

    @Override
    public Channel fallbackChannel(ReferenceConfig config, ServiceDescriptor expected,
        String where) {
      Object implementation = config.fallback().orElse(null);
      if (implementation == null && config.fallbackType().isPresent()) {
        implementation = fallbackObjects.computeIfAbsent(config.fallbackType().get(),
            type -> instantiate(type, where));
      }
      if (implementation == null) {
        return null;
      }
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

    @Override
    public FallbackInterceptor.Shared fallbacks() {
      return fallbacks;
    }

    @Override
    public ExplainLimiter explainLimiter() {
      return explainLimiter;
    }
  }

  private static Object instantiate(Class<?> type, String where) {
    try {
      java.lang.reflect.Constructor<?> constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      return constructor.newInstance();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException(where + ": fallback " + type.getName()
          + " cannot be created: it needs a no-argument constructor that succeeds (" + e + ")", e);
    }
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
    tlsMaterial.close();
    if (registryMetrics != null) {
      registryMetrics.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (ownsRegistry) {
      registry.close();
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
  }

  /** Returns how many calls fallbacks have answered, per full method name. */
  public Map<String, Long> fallbackCounts() {
    return fallbackStats.counts();
  }

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
    private BalancerSettings defaultBalancer = BalancerSettings.named(DEFAULT_BALANCER);
    private LongSupplier nanoClock = System::nanoTime;
    private ClientTls tls;
    private ZoneAffinity zoneAffinity;
    private Long subsetSeed;
    private Telemetry telemetry;
    private Integer metricsPort;
    private List<io.grpc.Metadata.Key<String>> identityHeaders =
        List.of(FallbackInterceptor.AUTHORIZATION);
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
     * Sets the request headers that carry who is calling ({@code authorization} by default):
     * their values are part of the response cache's key, so that a cached answer goes only to a
     * call from the same caller (the call's {@code CallCredentials} are part of it too).
     */
    public Builder responseCacheIdentityHeaders(String... headers) {
      List<io.grpc.Metadata.Key<String>> keys = new ArrayList<>();
      for (String header : headers) {
        try {
          keys.add(io.grpc.Metadata.Key.of(requireNonNull(header, "header"),
              io.grpc.Metadata.ASCII_STRING_MARSHALLER));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("response cache identity header '" + header
              + "' is not a valid ASCII metadata key (" + e.getMessage() + ")", e);
        }
      }
      this.identityHeaders = List.copyOf(keys);
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
      return defaultBalancer(BalancerSettings.named(balancer));
    }

    /**
     * Sets the balancer, with its settings, for references that name none (e.g.
     * {@code Balancer.peakEwma().build()} from switchboard-loadbalance).
     *
     * @throws IllegalArgumentException if no such policy is registered or it rejects the settings
     */
    public Builder defaultBalancer(BalancerSettings balancer) {
      ReferenceCompiler.checkBalancer(requireNonNull(balancer, "balancer"), "defaultBalancer");
      this.defaultBalancer = balancer;
      return this;
    }

    /**
     * Reports gRPC's client metrics and traces and Switchboard's own signals to
     * {@code telemetry}; {@link Telemetry#global()} by default (nothing unless the application
     * registered a global OpenTelemetry).
     */
    public Builder telemetry(Telemetry telemetry) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
      return this;
    }

    /**
     * Serves this client's metrics as Prometheus text at {@code http://0.0.0.0:port/metrics}
     * (a {@link MetricsServer} started with the client and closed with it; 0 picks a free
     * port). Not together with {@link #telemetry}.
     */
    public Builder metricsPort(int port) {
      this.metricsPort = Instrumentation.checkMetricsPort(port);
      return this;
    }

    /**
     * Calls over TLS (optionally mutual) with {@code tls}, each service's instances checked for
     * the identity configured for it; plaintext by default.
     */
    public Builder tls(ClientTls tls) {
      this.tls = requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Routes calls to instances in {@code zone} (this consumer's zone, as providers register
     * theirs) while at least half of that zone's weight is usable, and to every zone otherwise;
     * see {@link ZoneAffinity}. Without it, zones are ignored.
     */
    public Builder zone(String zone) {
      return zoneAffinity(ZoneAffinity.of(zone));
    }

    /**
     * Sets the seed this client ranks instances by for references with a subset size
     * ({@link ReferenceConfig.Builder#subsetSize(int)}); random by default, so that clients
     * spread over the instances. Fixed, for tests and reproducible simulations.
     */
    public Builder subsetSeed(long seed) {
      this.subsetSeed = seed;
      return this;
    }

    /** Routes calls by {@code affinity}: the zone and the share that keeps calls there. */
    public Builder zoneAffinity(ZoneAffinity affinity) {
      this.zoneAffinity = requireNonNull(affinity, "affinity");
      return this;
    }

    /**
     * Sets the clock the client's budgets, response cache, log rate limits and explain rate
     * limit ({@link Explain#MAX_CALLS_PER_SECOND}) read, in
     * nanoseconds; {@code System::nanoTime} by default. For tests.
     */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = requireNonNull(nanoClock, "nanoClock");
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
      Instrumentation.checkOneSource(telemetry, metricsPort);
      if (registry != null) {
        return new RpcClient(this, registry, false);
      }
      Registry opened = RegistryProviders.loadDefault().open(registryUri);
      try {
        return new RpcClient(this, opened, true);
      } catch (RuntimeException e) {
        opened.close(); // the metrics port could not be bound
        throw e;
      }
    }
  }
}
