package dev.switchboard.loadbalance;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.ReferenceConfig;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Greeters;
import dev.switchboard.rpc.testing.TestGreeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Slow start: a freshly started instance gets a small share that grows over the window. */
@Timeout(60)
class WarmUpEndToEndTest {
  private final Closer closer = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private RpcServer start(String registry, TestGreeter greeter, Instant startedAt) {
    return closer.register(RpcServer.builder().application("warm").registry(registry)
        .bindAddress("127.0.0.1").shutdownHook(false).drainPeriod(Duration.ZERO)
        .clock(Clock.fixed(startedAt, ZoneOffset.UTC))
        .addService(greeter).build().start());
  }

  @ParameterizedTest
  @ValueSource(strings = {Balancers.WEIGHTED_ROUND_ROBIN, Balancers.WEIGHTED_RANDOM})
  void newInstanceStartsAtTheFloor(String balancer) {
    String registry = "memory://warm-" + balancer;
    TestGreeter old = new TestGreeter("old");
    TestGreeter fresh = new TestGreeter("fresh");
    start(registry, old, Instant.now().minus(Duration.ofHours(1)));
    start(registry, fresh, Instant.now());
    RpcClient client = closer.register(RpcClient.builder().registry(registry)
        .shutdownGrace(Duration.ofMillis(500)).build());
    // A long window: however slow the machine, the ramp moves the fresh one's weight by well
    // under 1 % of the floor's share while the calls run (a 100 s window moved it by 3 points
    // once the calls took 6 s on a loaded 2-core machine, the picker re-weighing every 5 s).
    Duration window = Duration.ofSeconds(1_000);
    GreeterGrpc.GreeterBlockingStub greeter = client.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().balancer(balancer.equals(Balancers.WEIGHTED_RANDOM)
            ? Balancer.weightedRandom().warmUp(window).build()
            : Balancer.weightedRoundRobin().warmUp(window).build())
            .deadline(Duration.ofSeconds(10)).build());
    Greeters.awaitAllServing(greeter, old, fresh);

    for (int i = 0; i < 2_200; i++) {
      greeter.sayHello(WORLD);
    }

    // Effective weights 100 and about 10 (floor 10 %): the fresh one gets about 1/11.
    assertThat(fresh.calls() / 2_200.0).isBetween(0.06, 0.13);
  }

  @Test
  void warmUpMustBePositive() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> Balancer.weightedRoundRobin().warmUp(Duration.ZERO))
        .hasMessageContaining("warmUp PT0S is not positive");
  }
}
