package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.internal.HostAddresses;
import dev.switchboard.rpc.internal.ClientIdentityInterceptor;
import dev.switchboard.rpc.internal.ExplainServerInterceptor;
import dev.switchboard.rpc.internal.ServiceBinding;
import dev.switchboard.rpc.internal.TlsMaterial;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.Names;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProviders;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import dev.switchboard.rpc.internal.Instrumentation;
import dev.switchboard.rpc.internal.RegistryMetrics;
import dev.switchboard.rpc.internal.TraceLogContext;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link RpcService} implementations over gRPC (Netty) and registers the instance in a
 * registry once it is serving.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder()
 *     .application("greeter")
 *     .registry("zk://127.0.0.1:2181")
 *     .addService(new GreeterImpl())
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>Besides the given services it serves the gRPC health service ({@code grpc.health.v1}) and
 * server reflection ({@code grpc.reflection.v1} and, for older tools, {@code v1alpha}). A call
 * that carries {@code switchboard-explain: 1} is answered with the
 * trailer {@code switchboard-picked: <instance id>} ({@code host:port} when the server registers
 * nowhere) and handled with {@link Explain#CONTEXT_KEY} set, so the calls the handler makes are
 * explained too (see {@link Explain}).
 *
 * <p>{@link #close()} shuts down in this order: publish the instance as
 * {@link InstanceState#DRAINING} (consumers stop sending it new calls) and report NOT_SERVING to
 * health checks; wait the drain period so that every consumer has seen it; deregister; stop
 * accepting calls (HTTP/2 GOAWAY) and wait up to the grace period for calls in flight; cancel
 * what is left; close the registry if the server opened it. A JVM shutdown hook runs the same sequence unless
 * disabled.
 *
 * <p>{@link #start()} returns once the instance is registered (with
 * {@link Builder#deferRegistration()}, once it serves: {@link #register()} registers it later,
 * when the application is ready to take calls). If the registry is unreachable,
 * it returns after the registration timeout with a warning, serving anyway, and the registry
 * keeps trying to register in the background (see the registry's documentation). If registering
 * fails outright (the registry throws), {@code start()} releases everything it started, in
 * reverse order (the registration, the registry if the server opened it, the gRPC server and
 * its port), and rethrows; the server is then closed.
 *
 * <p>The drain period is measured with a nanosecond ticker ({@link System#nanoTime()} unless a
 * test injects one); interrupting the thread that closes the server ends the drain early, and
 * the rest of the sequence still runs.
 *
 * <p>Thread-safe.
 */
public final class RpcServer implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(RpcServer.class);
  // The longest the drain sleeps before it reads the ticker again (an injected one can jump).
  private static final long DRAIN_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private enum State { NEW, STARTED, CLOSED }

  private final Builder config;
  private final List<ServiceBinding> bindings;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final HealthStatusManager health = new HealthStatusManager();
  // register() and the shutdown sequence never interleave: no registration after deregistering
  private final Object lifecycleLock = new Object();
  private Server server;
  private TlsMaterial tls;
  private MetricsServer metricsServer;
  private Instrumentation instrumentation;
  private RegistryMetrics registryMetrics;
  private Registry registry;
  private volatile Registration registration;
  private Thread shutdownHook;
  // What the switchboard-picked trailer names: host:port once bound, the instance id once
  // registered. Read by gRPC's threads.
  private volatile String explainId;

  private RpcServer(Builder config, List<ServiceBinding> bindings) {
    this.config = config;
    this.bindings = bindings;
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
   * Binds the port, starts serving and then registers the instance. If registering throws, the
   * server is stopped (its port released) and closed before the exception is rethrown.
   *
   * @return this server
   * @throws IllegalStateException if already started or closed
   * @throws UncheckedIOException if the port cannot be bound
   */
  public RpcServer start() {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException("RpcServer already " + state.get());
    }
    InetSocketAddress address = new InetSocketAddress(config.bindAddress, config.port);
    Telemetry telemetry = config.telemetry;
    if (config.metricsPort != null) {
      try {
        metricsServer = MetricsServer.start(config.bindAddress, config.metricsPort);
      } catch (RuntimeException e) {
        state.set(State.CLOSED);
        throw e;
      }
      telemetry = metricsServer.telemetry();
    }
    NettyServerBuilder netty;
    if (config.tls != null) {
      tls = new TlsMaterial();
      try {
        netty = NettyServerBuilder.forAddress(address, tls.server(config.tls));
      } catch (RuntimeException e) {
        state.set(State.CLOSED);
        closeStartResources();
        throw e;
      }
    } else {
      netty = NettyServerBuilder.forAddress(address);
    }
    // Interceptors added later run first: the identity check runs before explain, so a refused
    // caller is not told which instance refused it.
    netty.intercept(new ExplainServerInterceptor(() -> explainId));
    if (config.tls != null && !config.tls.allowedClients().isEmpty()) {
      netty.intercept(new ClientIdentityInterceptor(config.tls.allowedClients()));
    }
    instrumentation = Instrumentation.of(telemetry);
    if (instrumentation.enabled() && telemetry.tracing()) {
      netty.intercept(new TraceLogContext()); // inside gRPC's tracing: its span is current
    }
    instrumentation.configure(netty);
    netty.addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        // v1alpha too: older grpcurl, grpcui, Kreya and Postman ask for it
        .addService(ProtoReflectionService.newInstance());
    for (ServiceBinding binding : bindings) {
      netty.addService(binding.definition());
    }
    try {
      server = netty.build().start();
    } catch (IOException e) {
      state.set(State.CLOSED);
      closeStartResources();
      throw new UncheckedIOException("cannot bind " + config.bindAddress + ":" + config.port, e);
    }
    explainId = advertisedHost() + ":" + server.getPort();
    for (ServiceBinding binding : bindings) {
      health.setStatus(binding.definition().getServiceDescriptor().getName(),
          ServingStatus.SERVING);
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    try {
      if (!config.deferRegistration) {
        registerInstance();
      }
      if (config.shutdownHook) {
        Thread hook = new Thread(this::closeFromHook, "switchboard-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
      }
    } catch (RuntimeException | Error e) {
      abortStart(e);
      throw e;
    }
    logger.info("Serving {} on {}:{}{}", serviceNames(), config.bindAddress, port(),
        registration == null ? "" : ", registered as " + registration.instance().instanceId());
    return this;
  }

  /**
   * Registers the instance, for a server built with {@link Builder#deferRegistration()}: returns
   * once it is registered, or after the registration timeout with a warning (registration goes on
   * in the background). Does nothing if the server registers nowhere or is registered already.
   *
   * @return this server
   * @throws IllegalStateException if the server is not started, or closed
   */
  public RpcServer register() {
    synchronized (lifecycleLock) {
      if (state.get() != State.STARTED) {
        throw new IllegalStateException("RpcServer " + state.get() + ": start it before register()");
      }
      if (registration == null) {
        registerInstance();
        logger.info("Registered {}{}", serviceNames(),
            registration == null ? " nowhere (no registry set)"
                : " as " + registration.instance().instanceId());
      }
    }
    return this;
  }

  /**
   * Returns whether the instance is registered now (its registry node exists); false before
   * {@link #register()}, while the registry is unreachable, and once closing has begun.
   */
  public boolean registered() {
    Registration current = registration;
    if (current == null || state.get() != State.STARTED) {
      return false;
    }
    try {
      return current.awaitRegistered(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void registerInstance() {
    if (config.registry == null && config.registryUri == null) {
      return;
    }
    registry = config.registry != null
        ? config.registry : RegistryProviders.loadDefault().open(config.registryUri);
    String host = advertisedHost();
    int port = port();
    List<ExportedService> exported = new ArrayList<>();
    for (ServiceBinding binding : bindings) {
      exported.add(binding.exported());
    }
    ProviderInstance instance = new ProviderInstance(
        ProviderInstance.newInstanceId(host, port), config.application, host, port,
        InstanceState.SERVING, config.clock.instant(), exported, config.tls != null);
    explainId = instance.instanceId();
    if (instrumentation.enabled()) {
      registryMetrics = new RegistryMetrics(instrumentation.meter(), registry,
          RegistryMetrics.server(instance.instanceId()));
    }
    registration = registry.register(instance);
    try {
      if (!registration.awaitRegistered(config.registrationTimeout)) {
        logger.warn("Not registered in {} after {}: serving anyway; registration continues in"
            + " the background", registry, config.registrationTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String advertisedHost() {
    return config.advertisedHost != null
        ? config.advertisedHost : HostAddresses.advertisedHost(config.bindAddress);
  }

  // Undoes start() after a failure, in reverse order; later failures are added as suppressed.
  private void abortStart(Throwable cause) {
    state.set(State.CLOSED);
    logger.warn("Start of {} failed ({}); stopping the server on port {}", serviceNames(),
        cause.toString(), server.getPort());
    if (registration != null) {
      try {
        registration.close();
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }
    closeRegistryMetrics();
    if (registry != null && config.registry == null) {
      try {
        registry.close();
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }
    health.enterTerminalState();
    server.shutdownNow();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        logger.warn("gRPC server of {} did not terminate within 5 s", serviceNames());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeStartResources();
  }

  /** Returns the port the server listens on (the bound one when built with port 0). */
  public int port() {
    Server running = server;
    if (running == null) {
      throw new IllegalStateException("RpcServer not started");
    }
    return running.getPort();
  }

  /** Returns the registry record of this instance, or {@code null} if it registers nowhere. */
  public ProviderInstance instance() {
    Registration current = registration;
    return current == null ? null : current.instance();
  }

  /** Returns the registration of this instance, or {@code null} if it registers nowhere. */
  public Registration registration() {
    return registration;
  }

  /** Blocks until the server has terminated (after {@link #close()} from another thread). */
  public void awaitTermination() throws InterruptedException {
    Server running = server;
    if (running != null) {
      running.awaitTermination();
    }
  }

  /** Deregisters, drains and stops; see the class documentation for the order. Idempotent. */
  @Override
  public void close() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs (or ran) the same sequence
      }
    }
    shutdown();
  }

  private void closeFromHook() {
    shutdown();
  }

  private void shutdown() {
    synchronized (lifecycleLock) {
      shutdownInLock();
    }
  }

  private void shutdownInLock() {
    State previous = state.getAndSet(State.CLOSED);
    if (previous != State.STARTED) {
      return;
    }
    // Consumers stop picking a DRAINING instance as soon as they see it; the node itself goes
    // after the drain period, so watchers that missed the state change still see it leave.
    if (registration != null) {
      registration.setState(InstanceState.DRAINING);
    }
    health.enterTerminalState();
    if (registration != null && !config.drainPeriod.isZero()) {
      awaitDrain();
    }
    if (registration != null) {
      registration.close();
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(config.shutdownGrace.toNanos(), TimeUnit.NANOSECONDS)) {
        logger.warn("Calls still running after the {} grace period; cancelling them",
            config.shutdownGrace);
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    closeRegistryMetrics();
    if (registry != null && config.registry == null) {
      registry.close();
    }
    closeStartResources();
    logger.info("Stopped serving {}", serviceNames());
  }

  private void closeRegistryMetrics() {
    if (registryMetrics != null) {
      registryMetrics.close();
    }
  }

  // The resources start() opened before the gRPC server, closed in reverse order.
  private void closeStartResources() {
    if (tls != null) {
      tls.close();
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
  }

  /**
   * Waits until the ticker has advanced by the drain period. It sleeps at most
   * {@link #DRAIN_STEP_NANOS} at a time and reads the ticker again, so a ticker that jumps (a
   * test's) ends the wait promptly; an interrupt ends it at once and is kept.
   */
  private void awaitDrain() {
    long period = saturatedNanos(config.drainPeriod);
    long start = config.ticker.getAsLong();
    long remaining;
    while ((remaining = period - (config.ticker.getAsLong() - start)) > 0) {
      LockSupport.parkNanos(this, Math.min(remaining, DRAIN_STEP_NANOS));
      if (Thread.currentThread().isInterrupted()) {
        logger.warn("Drain of {} interrupted; deregistering and stopping now", serviceNames());
        return;
      }
    }
  }

  private static long saturatedNanos(Duration duration) {
    return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0
        ? Long.MAX_VALUE : duration.toNanos();
  }

  private List<String> serviceNames() {
    List<String> names = new ArrayList<>();
    for (ServiceBinding binding : bindings) {
      names.add(binding.exported().name());
    }
    return names;
  }

  /** Builds an {@link RpcServer}; validates every setting as it is given. Not thread-safe. */
  public static final class Builder {
    private int port;
    private String bindAddress = "0.0.0.0";
    private String advertisedHost;
    private String registryUri;
    private Registry registry;
    private String application;
    private final List<Object> services = new ArrayList<>();
    private Duration drainPeriod = Duration.ofSeconds(2);
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private boolean shutdownHook = true;
    private boolean deferRegistration;
    private Clock clock = Clock.systemUTC();
    private LongSupplier ticker = System::nanoTime;
    private Integer weight;
    private String zone;
    private Duration registrationTimeout = Duration.ofSeconds(5);
    private ServerTls tls;
    private Telemetry telemetry;
    private Integer metricsPort;

    private Builder() {}

    /**
     * Reports gRPC's server metrics and traces and Switchboard's registry signals to
     * {@code telemetry}; {@link Telemetry#global()} by default (nothing unless the application
     * registered a global OpenTelemetry).
     */
    public Builder telemetry(Telemetry telemetry) {
      this.telemetry = java.util.Objects.requireNonNull(telemetry, "telemetry");
      return this;
    }

    /**
     * Serves this server's metrics as Prometheus text at {@code http://bindAddress:port/metrics}
     * (a {@link MetricsServer} started and stopped with the server; 0 picks a free port). Not
     * together with {@link #telemetry}: with an SDK of your own, add the Prometheus reader to it.
     */
    public Builder metricsPort(int port) {
      this.metricsPort = Instrumentation.checkMetricsPort(port);
      return this;
    }

    /**
     * Serves over TLS (optionally mutual) with {@code tls}; plaintext by default. The
     * certificate files are re-read every {@link ServerTls#refresh()}, so rotation needs no
     * restart.
     */
    public Builder tls(ServerTls tls) {
      this.tls = java.util.Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Sets the weight published for every service of this server, overriding
     * {@link RpcService#weight()}: weights are usually a deployment decision (a bigger machine, a
     * canary), not a property of the code.
     *
     * @throws IllegalArgumentException if outside {@link ServiceWeights#MIN}..{@link
     *     ServiceWeights#MAX}
     */
    public Builder weight(int weight) {
      this.weight = ServiceWeights.check(weight, "RpcServer.Builder.weight");
      return this;
    }

    /** Sets the zone published for every service of this server, overriding the annotation. */
    public Builder zone(String zone) {
      this.zone = requireNonNull(zone, "zone");
      return this;
    }

    /** Sets the port to listen on, 0 (the default) for any free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port " + port + " is out of range (allowed: 0..65535,"
            + " 0 for any free port)");
      }
      this.port = port;
      return this;
    }

    /** Sets the address to listen on; {@code 0.0.0.0} (all interfaces) by default. */
    public Builder bindAddress(String bindAddress) {
      this.bindAddress = requireNonNull(bindAddress, "bindAddress");
      return this;
    }

    /**
     * Sets the host consumers connect to. By default: the bind address when it names one, else
     * the first site-local IPv4 address of this machine.
     */
    public Builder advertisedHost(String advertisedHost) {
      this.advertisedHost = requireNonNull(advertisedHost, "advertisedHost");
      return this;
    }

    /**
     * Sets the registry to register in, by URI, e.g. {@code zk://127.0.0.1:2181} or
     * {@code memory://test}; the server opens it and closes it on {@link #close()}. Without a
     * registry the server serves but registers nowhere.
     */
    public Builder registry(String registryUri) {
      requireNonNull(registryUri, "registryUri");
      RegistryProviders.loadDefault().checkUri(registryUri);
      this.registryUri = registryUri;
      this.registry = null;
      return this;
    }

    /** Sets a registry to register in that the caller owns; the server never closes it. */
    public Builder registry(Registry registry) {
      this.registry = requireNonNull(registry, "registry");
      this.registryUri = null;
      return this;
    }

    /** Sets the application (cluster) name; required when a registry is set. */
    public Builder application(String application) {
      this.application = Names.checkApplicationName(application);
      return this;
    }

    /**
     * Adds a service implementation: a class extending a generated {@code *ImplBase} or
     * implementing a generated {@code *AsyncService}, usually annotated with {@link RpcService}.
     *
     * @throws IllegalArgumentException if it is not a gRPC service or its annotation is invalid
     */
    public Builder addService(Object service) {
      ServiceBinding.of(requireNonNull(service, "service"));
      services.add(service);
      return this;
    }

    /**
     * Sets how long {@link #close()} waits between publishing the instance as DRAINING and
     * deregistering it and refusing new calls, so that consumers stop sending calls first; 2 s by
     * default, zero allowed.
     */
    public Builder drainPeriod(Duration drainPeriod) {
      this.drainPeriod = checkNotNegative(drainPeriod, "drainPeriod");
      return this;
    }

    /**
     * Sets how long {@link #close()} lets calls in flight finish before cancelling them; 10 s by
     * default, zero allowed.
     */
    public Builder shutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = checkNotNegative(shutdownGrace, "shutdownGrace");
      return this;
    }

    /**
     * Sets how long {@link #start()} waits for the first registration to succeed; past it, start
     * returns with a warning and registration goes on in the background. 5 s by default.
     */
    public Builder registrationTimeout(Duration timeout) {
      this.registrationTimeout = checkNotNegative(timeout, "registrationTimeout");
      return this;
    }

    /**
     * Makes {@link RpcServer#start()} serve without registering: the application calls
     * {@link RpcServer#register()} once it is ready to take calls (as the Spring Boot starter
     * does when the application is ready). Consumers find the instance only then.
     */
    public Builder deferRegistration() {
      this.deferRegistration = true;
      return this;
    }

    /** Sets whether a JVM shutdown hook closes the server; {@code true} by default. */
    public Builder shutdownHook(boolean enabled) {
      this.shutdownHook = enabled;
      return this;
    }

    /** Sets the clock that stamps the instance's start time; the system clock by default. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the nanosecond ticker the drain period is measured with; for tests. */
    Builder ticker(LongSupplier ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Returns a server with these settings, not yet started.
     *
     * @throws IllegalStateException if no service was added, a service name repeats, or a
     *     registry is set without an application name
     */
    public RpcServer build() {
      if (services.isEmpty()) {
        throw new IllegalStateException("no service added: call addService(...) at least once");
      }
      Instrumentation.checkOneSource(telemetry, metricsPort);
      if ((registry != null || registryUri != null) && application == null) {
        throw new IllegalStateException("application name is required when a registry is set:"
            + " call application(\"...\")");
      }
      List<ServiceBinding> bindings = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (Object service : services) {
        ServiceBinding binding = ServiceBinding.of(service).withOverrides(weight, zone);
        ServerServiceDefinition definition = binding.definition();
        if (!names.add(definition.getServiceDescriptor().getName())) {
          throw new IllegalStateException("service " + definition.getServiceDescriptor().getName()
              + " added twice");
        }
        bindings.add(binding);
      }
      Builder copy = new Builder();
      copy.port = port;
      copy.bindAddress = bindAddress;
      copy.advertisedHost = advertisedHost;
      copy.registryUri = registryUri;
      copy.registry = registry;
      copy.application = application;
      copy.drainPeriod = drainPeriod;
      copy.shutdownGrace = shutdownGrace;
      copy.shutdownHook = shutdownHook;
      copy.deferRegistration = deferRegistration;
      copy.clock = clock;
      copy.ticker = ticker;
      copy.registrationTimeout = registrationTimeout;
      copy.tls = tls;
      copy.telemetry = telemetry != null ? telemetry : Telemetry.global();
      copy.metricsPort = metricsPort;
      return new RpcServer(copy, List.copyOf(bindings));
    }

    private static Duration checkNotNegative(Duration duration, String name) {
      requireNonNull(duration, name);
      if (duration.isNegative()) {
        throw new IllegalArgumentException(name + " " + duration + " is negative (allowed: >= 0)");
      }
      return duration;
    }
  }
}
