package dev.switchboard.jmh.call;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.loadbalance.Balancers;
import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloReply;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.HashKeys;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.MethodPolicy;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RetryBudget;
import dev.switchboard.rpc.RetryPolicy;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.internal.FallbackInterceptor;
import dev.switchboard.rpc.internal.FallbackStats;
import dev.switchboard.rpc.internal.MethodPolicies;
import dev.switchboard.rpc.internal.MethodPolicyInterceptor;
import dev.switchboard.rpc.internal.RetryBudgetTracker;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProviders;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Switchboard adds to a blocking unary call, against raw grpc-java on the same server and
 * transport, in the same run:
 *
 * <ul>
 *   <li>{@code raw}, {@code raw-deadline}: a plain grpc-java channel to the server's address
 *       (pick_first), without and with a per-call deadline (a deadline costs a timer per call);
 *   <li>{@code switchboard}: over Netty, a full {@code RpcClient} stub: registry resolver,
 *       smooth weighted round robin, default deadline, retry policy with failover and budget,
 *       cacheable fallback, hash-key capture; in-process (where there is no registry address), the
 *       same balancer, service config and interceptor chain on an in-process channel;
 *       {@code switchboard-lean}: the same without deadline, retry or fallback.
 * </ul>
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar CallOverheadBenchmark -prof gc                 # latency
 * java -jar jmh/target/benchmarks.jar CallOverheadBenchmark -bm thrpt -t 8           # throughput
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CallOverheadBenchmark {
  private static final HelloRequest REQUEST = HelloRequest.newBuilder().setName("bench").build();

  @Param({"inprocess", "netty"})
  String transport;

  /**
   * {@code raw}: plain grpc-java, no deadline; {@code raw-deadline}: the same with a 5 s deadline
   * per call; {@code switchboard}: the full stack (default 5 s deadline, retries with failover and
   * budget, cacheable fallback); {@code switchboard-lean}: the balancer and interceptors only, no
   * deadline, retry or fallback configured.
   */
  @Param({"raw", "raw-deadline", "switchboard", "switchboard-lean"})
  String stack;

  private Server server;
  private ManagedChannel channel;
  private RpcClient client;
  private Registry registry;
  GreeterGrpc.GreeterBlockingStub stub;

  /** The policies of the switchboard stacks. */
  ReferenceConfig policies() {
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

  private boolean raw() {
    return stack.startsWith("raw");
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    GreeterGrpc.GreeterImplBase service = new GreeterGrpc.GreeterImplBase() {
      @Override
      public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
        responses.onNext(HelloReply.newBuilder().setMessage("hi").build());
        responses.onCompleted();
      }
    };
    if (transport.equals("inprocess")) {
      String name = InProcessServerBuilder.generateName();
      // Direct executors on both sides: the call runs on the caller's thread, so the figure is
      // the CPU cost of the two stacks, not thread hand-off noise.
      server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build()
          .start();
      if (raw()) {
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = GreeterGrpc.newBlockingStub(channel);
      } else {
        ReferenceConfig config = policies();
        MethodPolicies resolved = MethodPolicies.resolve(GreeterGrpc.getServiceDescriptor(),
            config.methodDefaults(), config.methods(), "bench");
        channel = InProcessChannelBuilder.forName(name).directExecutor().enableRetry()
            .defaultServiceConfig(Map.of(
                "loadBalancingConfig", List.of(Map.of(Balancers.WEIGHTED_ROUND_ROBIN, Map.of())),
                "methodConfig", resolved.methodConfig("helloworld.Greeter")))
            .build();
        RetryBudgetTracker budget = new RetryBudgetTracker(RetryBudget.DEFAULT, System::nanoTime);
        Channel intercepted = ClientInterceptors.intercept(channel,
            HashKeys.contextInterceptor(),
            new MethodPolicyInterceptor(resolved, budget),
            new FallbackInterceptor(resolved, null,
                Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000).build(),
                new FallbackStats(System::nanoTime)));
        stub = GreeterGrpc.newBlockingStub(intercepted);
      }
    } else {
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(service).build().start();
      if (raw()) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
            .build();
        stub = GreeterGrpc.newBlockingStub(channel);
      } else {
        String uri = "memory://bench-" + System.nanoTime();
        registry = RegistryProviders.loadDefault().open(uri);
        registry.register(new ProviderInstance(
            ProviderInstance.newInstanceId("127.0.0.1", server.getPort()), "bench", "127.0.0.1",
            server.getPort(), InstanceState.SERVING, Instant.EPOCH,
            List.of(ExportedService.of("helloworld.Greeter"))));
        client = RpcClient.builder().registry(uri).build();
        stub = client.stub(GreeterGrpc::newBlockingStub, policies());
      }
    }
    for (int i = 0; i < 1_000; i++) {
      stub.sayHello(REQUEST);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
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

  @Benchmark
  public HelloReply unaryCall() {
    if (stack.equals("raw-deadline")) {
      return stub.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(REQUEST);
    }
    return stub.sayHello(REQUEST);
  }
}
