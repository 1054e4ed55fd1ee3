package dev.switchboard.jmh.call;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.loadbalance.Balancers;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.BalancerSettings;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.MethodPolicy;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RetryPolicy;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.internal.FallbackInterceptor;
import dev.switchboard.rpc.internal.FallbackStats;
import dev.switchboard.rpc.internal.ReferenceCompiler;
import dev.switchboard.rpc.internal.ReferenceCompiler.CompiledReference;
import dev.switchboard.rpc.internal.RetryBudgetTracker;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProviders;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServiceDescriptor;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One Greeter server and one client stack calling it, as the call benchmarks compare them
 * ({@link CallOverheadBenchmark}, {@link CallThroughputBenchmark}):
 *
 * <ul>
 *   <li>{@code raw}, {@code raw-deadline}: a plain grpc-java channel to the server's address
 *       (pick_first, retry enabled as grpc-java has it on every transport but in-process); the
 *       {@code raw-deadline} caller sets a 5 s deadline per call ({@link #perCallDeadline()});
 *   <li>{@code switchboard}: over Netty, a full {@code RpcClient} stub: registry resolver,
 *       smooth weighted round robin, default deadline, retry policy with failover and budget,
 *       cacheable fallback, hash-key capture; in-process (where there is no registry address), the
 *       same balancer, service config and interceptor chain on an in-process channel;
 *   <li>{@code switchboard-lean}: the same without deadline, retry or fallback.
 * </ul>
 *
 * <p>In-process, both sides use direct executors: a call runs on the caller's thread, so the
 * figure is the CPU cost of the stack, not thread hand-offs.
 *
 * <p>Not thread-safe to start or close; the stubs it returns are thread-safe, as gRPC's are.
 */
final class CallStack {
  /** The request every benchmark sends. */
  static final HelloRequest REQUEST = HelloRequest.newBuilder().setName("bench").build();

  /** The transports, as the benchmarks' {@code transport} parameter names them. */
  static final List<String> TRANSPORTS = List.of("inprocess", "netty");
  /** The stacks, as the benchmarks' {@code stack} parameter names them. */
  static final List<String> STACKS = List.of("raw", "raw-deadline", "switchboard",
      "switchboard-lean");

  private final String stack;
  private final Server server;
  private final ManagedChannel channel;
  private final Channel callChannel;
  private final RpcClient client;
  private final Registry registry;

  private CallStack(String stack, Server server, ManagedChannel channel, Channel callChannel,
      RpcClient client, Registry registry) {
    this.stack = stack;
    this.server = server;
    this.channel = channel;
    this.callChannel = callChannel;
    this.client = client;
    this.registry = registry;
  }

  /**
   * Starts a server on {@code transport} and the client {@code stack} for it.
   *
   * @throws IllegalArgumentException for a transport or stack not in {@link #TRANSPORTS} or
   *     {@link #STACKS}
   */
  static CallStack start(String transport, String stack) throws IOException {
    return start(transport, stack, dev.switchboard.rpc.Telemetry.disabled());
  }

  /**
   * Starts a server on {@code transport} and the client {@code stack} for it, the client
   * reporting to {@code telemetry} (a Switchboard stack only).
   */
  static CallStack start(String transport, String stack, dev.switchboard.rpc.Telemetry telemetry)
      throws IOException {
    if (!TRANSPORTS.contains(transport)) {
      throw new IllegalArgumentException("unknown transport " + transport + "; one of "
          + TRANSPORTS);
    }
    if (!STACKS.contains(stack)) {
      throw new IllegalArgumentException("unknown stack " + stack + "; one of " + STACKS);
    }
    boolean raw = stack.startsWith("raw");
    GreeterGrpc.GreeterImplBase service = new GreeterGrpc.GreeterImplBase() {
      @Override
      public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
        responses.onNext(HelloReply.newBuilder().setMessage("hi").build());
        responses.onCompleted();
      }
    };
    if (transport.equals("inprocess")) {
      String name = InProcessServerBuilder.generateName();
      Server server = InProcessServerBuilder.forName(name).directExecutor().addService(service)
          .build().start();
      if (raw) {
        // grpc-java enables retry on every channel but in-process ones (InProcessChannelBuilder
        // turns it off): enabled here, raw in-process calls carry the same retry machinery
        // (about 2 KB a call) as raw calls over Netty and every Switchboard stack.
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor()
            .enableRetry().build();
        return new CallStack(stack, server, channel, channel, null, null);
      }
      // The same compiler RpcClient uses: the service config and interceptor chain of the
      // reference, on an in-process channel instead of a registry one.
      CompiledReference reference = ReferenceCompiler.compile(policies(stack),
          new ReferenceCompiler.ClientDefaults(BalancerSettings.named(Balancers.WEIGHTED_ROUND_ROBIN),
              null),
          GreeterGrpc.getServiceDescriptor(), "helloworld.Greeter", new BenchResources(),
          "bench");
      InProcessChannelBuilder builder = InProcessChannelBuilder.forName(name).directExecutor()
          .enableRetry()
          .defaultServiceConfig(reference.channelKey().serviceConfig());
      dev.switchboard.rpc.internal.Instrumentation.of(telemetry).configure(builder);
      ManagedChannel channel = builder.build();
      Channel intercepted = reference.intercept(channel);
      return new CallStack(stack, server, channel, intercepted, null, null);
    }
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(service).build().start();
    if (raw) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
          .usePlaintext().build();
      return new CallStack(stack, server, channel, channel, null, null);
    }
    String uri = "memory://bench-" + System.nanoTime();
    Registry registry = RegistryProviders.loadDefault().open(uri);
    registry.register(new ProviderInstance(
        ProviderInstance.newInstanceId("127.0.0.1", server.getPort()), "bench", "127.0.0.1",
        server.getPort(), InstanceState.SERVING, Instant.EPOCH,
        List.of(ExportedService.of("helloworld.Greeter"))));
    RpcClient client = RpcClient.builder().registry(uri).telemetry(telemetry).build();
    return new CallStack(stack, server, null, null, client, registry);
  }

  /** What an RpcClient would share between references: here, for one reference. */
  private static final class BenchResources implements ReferenceCompiler.Resources {
    private final Map<ReferenceCompiler.ChannelKey, RetryBudgetTracker> budgets =
        new ConcurrentHashMap<>();
    private final FallbackInterceptor.Shared fallbacks = new FallbackInterceptor.Shared(
        Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000).build(),
        new FallbackStats(System::nanoTime));

    @Override
    public RetryBudgetTracker budget(ReferenceCompiler.ChannelKey key) {
      return budgets.computeIfAbsent(key,
          k -> new RetryBudgetTracker(k.retryBudget(), System::nanoTime));
    }

    @Override
    public Channel fallbackChannel(ReferenceConfig config, ServiceDescriptor service,
        String where) {
      return null;
    }

    @Override
    public FallbackInterceptor.Shared fallbacks() {
      return fallbacks;
    }
  }

  /** The policies of the switchboard stacks. */
  static ReferenceConfig policies(String stack) {
    ReferenceConfig.Builder config = ReferenceConfig.builder()
        .balancer(Balancers.WEIGHTED_ROUND_ROBIN);
    if (stack.equals("switchboard-lean")) {
      return config.build();
    }
    return config.deadline(Duration.ofSeconds(5))
        .methodDefaults(MethodPolicy.builder().retry(RetryPolicy.attempts(3)).build())
        .method("SayHello", MethodPolicy.builder().cacheable(true).build())
        .build();
  }

  /** Returns a stub from {@code factory} (e.g. {@code GreeterGrpc::newStub}) on this stack. */
  <S extends AbstractStub<S>> S stub(Function<Channel, S> factory) {
    if (client != null) {
      return client.stub(factory, policies(stack));
    }
    return factory.apply(callChannel);
  }

  /** Returns whether the caller sets a deadline on each call ({@code raw-deadline}). */
  boolean perCallDeadline() {
    return stack.equals("raw-deadline");
  }

  /** Sends {@code calls} blocking calls, without a deadline: connects and warms the stack. */
  void warmUp(int calls) {
    GreeterGrpc.GreeterBlockingStub stub = stub(GreeterGrpc::newBlockingStub);
    for (int i = 0; i < calls; i++) {
      stub.sayHello(REQUEST);
    }
  }

  /** Closes the client stack, then the server. */
  void close() throws InterruptedException {
    close(client, channel, registry, server);
  }

  /** Closes a benchmark's client side (any part may be null), then its server. */
  static void close(RpcClient client, ManagedChannel channel, Registry registry, Server server)
      throws InterruptedException {
    if (client != null) {
      client.close();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (registry != null) {
      registry.close();
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
