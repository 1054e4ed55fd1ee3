package dev.switchboard.loadbalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProviders;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Greeters;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The weighted round robin balancer behind real channels, providers and a memory registry. */
@Timeout(60)
class WeightedRoundRobinEndToEndTest {
  private static final AtomicInteger names = new AtomicInteger();
  private static final HelloRequest WORLD = HelloRequest.newBuilder().setName("world").build();

  private final Closer closer = new Closer();
  private String registry;
  private RpcClient client;
  private GreeterGrpc.GreeterBlockingStub greeter;

  @BeforeEach
  void setUp() {
    registry = "memory://wrr-" + names.incrementAndGet();
    client = RpcClient.builder().registry(registry).shutdownGrace(Duration.ofMillis(500)).build();
    greeter = client.stub(GreeterGrpc::newBlockingStub)
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  @Test
  void policyNameResolvesToOurProvider() {
    assertThat(LoadBalancerRegistry.getDefaultRegistry()
        .getProvider(Balancers.WEIGHTED_ROUND_ROBIN))
        .isInstanceOf(WeightedRoundRobinLoadBalancerProvider.class);
    assertThat(RpcClient.DEFAULT_BALANCER).isEqualTo(Balancers.WEIGHTED_ROUND_ROBIN);
  }

  @Test
  void callsAreSplitByWeight() {
    TestGreeter[] greeters = {new TestGreeter("w1"), new TestGreeter("w2"), new TestGreeter("w3")};
    for (int i = 0; i < greeters.length; i++) {
      track(Providers.start(registry, greeters[i], i + 1));
    }
    awaitAllServing(greeters);

    for (int i = 0; i < 600; i++) {
      greeter.sayHello(WORLD);
    }

    // 600 calls are 100 cycles of the 1:2:3 schedule; allow a picker rebuild's worth of slack.
    assertThat(greeters[0].calls()).isBetween(95, 105);
    assertThat(greeters[1].calls()).isBetween(195, 205);
    assertThat(greeters[2].calls()).isBetween(295, 305);
  }

  @Test
  void noInstanceFailsFastNamingTheService() {
    assertThatThrownBy(() -> greeter.sayHello(WORLD))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).contains("helloworld.Greeter");
        });
  }

  @Test
  void singleInstanceTakesEverything() {
    TestGreeter only = new TestGreeter("only");
    track(Providers.start(registry, only, 5));

    for (int i = 0; i < 20; i++) {
      assertThat(greeter.sayHello(WORLD).getServedBy()).isEqualTo("only");
    }
  }

  @Test
  void unreachableInstanceIsSkippedUntilItComesBack() throws Exception {
    TestGreeter steady = new TestGreeter("steady");
    track(Providers.start(registry, steady, 100));
    TestGreeter flaky = new TestGreeter("flaky");
    RpcServer flakyServer = plainServer(flaky, 0);
    int port = flakyServer.port();
    Registry handle = track(RegistryProviders.loadDefault().open(registry));
    Registration registration = handle.register(new ProviderInstance(
        ProviderInstance.newInstanceId("127.0.0.1", port), "test-app", "127.0.0.1", port,
        InstanceState.SERVING, Instant.now(), List.of(ExportedService.of("helloworld.Greeter"))));
    track(registration);
    awaitAllServing(steady, flaky);

    flakyServer.close(); // still registered, but no longer reachable
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      steady.resetCalls();
      for (int i = 0; i < 10; i++) {
        greeter.sayHello(WORLD);
      }
      assertThat(steady.calls()).isEqualTo(10);
    });

    RpcServer back = track(plainServer(flaky, port));
    assertThat(back.port()).isEqualTo(port);
    awaitAllServing(flaky);
  }

  @Test
  void plainGrpcServiceConfigSelectsThePolicy() {
    TestGreeter a = new TestGreeter("a");
    track(Providers.start(registry, a, 100));
    ManagedChannel channel = ManagedChannelBuilder.forTarget(registry + "/helloworld.Greeter")
        .defaultServiceConfig(Map.of("loadBalancingConfig",
            List.of(Map.of(Balancers.WEIGHTED_ROUND_ROBIN, Map.of()))))
        .usePlaintext()
        .build();
    track(channel::shutdownNow);

    assertThat(GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .sayHello(WORLD).getServedBy()).isEqualTo("a");
  }

  private static RpcServer plainServer(TestGreeter service, int port) {
    return RpcServer.builder().bindAddress("127.0.0.1").port(port).shutdownHook(false)
        .drainPeriod(Duration.ZERO).shutdownGrace(Duration.ofSeconds(1))
        .addService(service).build().start();
  }

  private void awaitAllServing(TestGreeter... greeters) {
    Greeters.awaitAllServing(greeter, greeters);
  }
}
