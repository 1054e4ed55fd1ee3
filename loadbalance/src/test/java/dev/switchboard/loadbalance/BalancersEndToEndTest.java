package dev.switchboard.loadbalance;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.HashKeys;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every balancer behind real channels, providers and a memory registry. */
@Timeout(60)
class BalancersEndToEndTest {
  private static final AtomicInteger names = new AtomicInteger();

  private final Closer closer = new Closer();
  private final AtomicInteger keys = new AtomicInteger();
  private String registry;
  private RpcClient client;

  @BeforeEach
  void setUp() {
    registry = "memory://balancers-" + names.incrementAndGet();
    client = RpcClient.builder().registry(registry).shutdownGrace(Duration.ofMillis(500)).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    closer.close();
  }

  private GreeterGrpc.GreeterBlockingStub greeter(String balancer) {
    return client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer(balancer).deadline(Duration.ofSeconds(10)).build());
  }

  /** One call; under consistent hashing each call carries a new key. */
  private String call(GreeterGrpc.GreeterBlockingStub greeter, String balancer) {
    GreeterGrpc.GreeterBlockingStub stub = balancer.equals(Balancers.CONSISTENT_HASH)
        ? HashKeys.withHashKey(greeter, "key-" + keys.incrementAndGet()) : greeter;
    return stub.sayHello(WORLD).getServedBy();
  }

  private void awaitAllServing(GreeterGrpc.GreeterBlockingStub greeter, String balancer,
      TestGreeter... greeters) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      call(greeter, balancer);
      for (TestGreeter each : greeters) {
        assertThat(each.calls()).as(each.name()).isPositive();
      }
    });
    for (TestGreeter each : greeters) {
      each.resetCalls();
    }
  }

  // Light sequential load (one call in flight): every balancer, the load-aware ones included,
  // must follow the weights, not starve the light one.
  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.WEIGHTED_RANDOM,
      Balancers.CONSISTENT_HASH, Balancers.LEAST_REQUEST, Balancers.PEAK_EWMA})
  void spreadsSequentialCallsByWeight(String balancer) {
    TestGreeter[] greeters = new TestGreeter[3];
    for (int i = 0; i < 3; i++) {
      greeters[i] = new TestGreeter("g" + i);
      closer.register(Providers.start(registry, greeters[i], i + 1));
    }
    GreeterGrpc.GreeterBlockingStub greeter = greeter(balancer);
    awaitAllServing(greeter, balancer, greeters);

    int calls = 3_000;
    for (int i = 0; i < calls; i++) {
      call(greeter, balancer);
    }

    // Shares within 0.04 of 1:2:3: more than four standard deviations of a random split at
    // 3,000 calls.
    for (int i = 0; i < 3; i++) {
      System.out.printf("SHARE %s weight %d: %.3f%n", balancer, i + 1,
          (double) greeters[i].calls() / calls);
    }
    for (int i = 0; i < 3; i++) {
      assertThat((double) greeters[i].calls() / calls).as("%s share of weight %d", balancer, i + 1)
          .isCloseTo((i + 1) / 6.0, offset(0.04));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.WEIGHTED_RANDOM,
      Balancers.CONSISTENT_HASH, Balancers.LEAST_REQUEST, Balancers.PEAK_EWMA})
  void oneInstanceTakesEveryCall(String balancer) {
    closer.register(Providers.start(registry, new TestGreeter("only"), 7));
    GreeterGrpc.GreeterBlockingStub greeter = greeter(balancer);

    for (int i = 0; i < 20; i++) {
      assertThat(call(greeter, balancer)).isEqualTo("only");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.WEIGHTED_RANDOM,
      Balancers.CONSISTENT_HASH, Balancers.LEAST_REQUEST, Balancers.PEAK_EWMA})
  void noInstanceFailsUnavailableNamingTheService(String balancer) {
    GreeterGrpc.GreeterBlockingStub greeter = greeter(balancer);

    assertThatThrownBy(() -> call(greeter, balancer))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).contains("helloworld.Greeter");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.WEIGHTED_RANDOM,
      Balancers.CONSISTENT_HASH, Balancers.LEAST_REQUEST, Balancers.PEAK_EWMA})
  void unreachableInstanceIsAvoidedUntilItComesBack(String balancer) throws Exception {
    TestGreeter steady = new TestGreeter("steady");
    closer.register(Providers.start(registry, steady, 100));
    TestGreeter flaky = new TestGreeter("flaky");
    RpcServer flakyServer = Providers.startUnregistered(flaky, 0);
    int port = flakyServer.port();
    closer.register(Providers.registerAt(registry, port));
    GreeterGrpc.GreeterBlockingStub greeter = greeter(balancer);
    awaitAllServing(greeter, balancer, steady, flaky);

    flakyServer.close(); // still registered, no longer reachable: calls must avoid it
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      steady.resetCalls();
      for (int i = 0; i < 10; i++) {
        call(greeter, balancer);
      }
      assertThat(steady.calls()).isEqualTo(10);
    });

    closer.register(Providers.startUnregistered(flaky, port));
    awaitAllServing(greeter, balancer, flaky);
  }
}
