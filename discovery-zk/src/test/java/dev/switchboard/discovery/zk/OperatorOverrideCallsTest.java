package dev.switchboard.discovery.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcReference;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Greeters;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.TestGreeter;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Operator overrides as callers feel them: real providers ({@link RpcServer}) and a real
 * {@link RpcClient} on an embedded ZooKeeper, the overrides written through
 * {@link ZkRegistryAdmin}.
 */
@Timeout(120)
class OperatorOverrideCallsTest {
  private static final String SERVICE = "helloworld.Greeter";

  private final Closer closer = new Closer();
  private String registry;
  private ZkRegistryAdmin admin;

  static final class WeightedConsumer {
    @RpcReference(balancer = "switchboard_weighted_round_robin", deadline = "5s")
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  @BeforeEach
  void setUp() throws Exception {
    TestingServer zookeeper = track(new TestingServer(true));
    registry = "zk://" + zookeeper.getConnectString() + "/calls?snapshotDir=none";
    admin = track(ZkRegistryAdmin.open(ZkRegistryConfig.fromUri(URI.create(registry))));
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  private String idOf(RpcServer server) {
    return server.instance().instanceId();
  }

  @Test
  void drainTakesAnInstanceOutOfRotationWithoutAFailedCallAndEnableBringsItBack()
      throws Exception {
    TestGreeter a = new TestGreeter("a");
    TestGreeter b = new TestGreeter("b");
    RpcServer serverA = track(Providers.start(registry, a, 100));
    track(Providers.start(registry, b, 100));
    LoadedConsumer consumer = track(new LoadedConsumer(registry, true));
    Greeters.awaitAllServing(consumer.greeter(), a, b);
    consumer.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.calls() > 100 && b.calls() > 100);

    admin.drain(idOf(serverA), "alice");
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.instance(idOf(serverA))
        .orElseThrow().state() == InstanceState.DRAINING);
    // Out of rotation: b serves 500 calls more while a serves none.
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      int before = a.calls();
      int bBefore = b.calls();
      await().atMost(Duration.ofSeconds(10)).until(() -> b.calls() >= bBefore + 500);
      return a.calls() == before;
    });

    admin.enable(idOf(serverA), "alice");
    int drained = a.calls();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.calls() > drained + 100);

    String line = consumer.stop("operator drain and enable of 1 of 2 providers",
        "drained instance out of rotation, back after enable");
    assertThat(consumer.failures()).as(line).isEmpty();
    assertThat(admin.override(idOf(serverA)).orElseThrow().history()).hasSize(2);
  }

  @Test
  void weightOverrideChangesTheWeightedRoundRobinSplitAndRemovingItRestoresIt() {
    TestGreeter a = new TestGreeter("a");
    TestGreeter b = new TestGreeter("b");
    RpcServer serverA = track(Providers.start(registry, a, 100));
    RpcServer serverB = track(Providers.start(registry, b, 100));
    RpcClient client = track(RpcClient.builder().registry(registry)
        .shutdownGrace(Duration.ofMillis(500)).build());
    GreeterGrpc.GreeterBlockingStub greeter = client.inject(new WeightedConsumer()).greeter;
    Greeters.awaitAllServing(greeter, a, b);
    assertThat(shareOfB(greeter, a, b)).isCloseTo(0.5, within(0.05));

    Map<String, Double> planned = admin.dryRunWeight(SERVICE, idOf(serverB), 300);
    assertThat(planned.get(idOf(serverA))).isCloseTo(0.25, within(1e-9));
    assertThat(planned.get(idOf(serverB))).isCloseTo(0.75, within(1e-9));

    admin.weight(idOf(serverB), 300, "alice");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(shareOfB(greeter, a, b)).isCloseTo(planned.get(idOf(serverB)),
            within(0.05)));
    assertThat(admin.instance(idOf(serverB)).orElseThrow().weight())
        .as("the published weight is the provider's").isEqualTo(100);

    admin.weight(idOf(serverB), null, "alice");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(shareOfB(greeter, a, b)).isCloseTo(0.5, within(0.05)));
  }

  /** Makes 400 calls and returns the share b served. */
  private static double shareOfB(GreeterGrpc.GreeterBlockingStub greeter, TestGreeter a,
      TestGreeter b) {
    a.resetCalls();
    b.resetCalls();
    for (int i = 0; i < 400; i++) {
      greeter.sayHello(Greeters.WORLD);
    }
    return b.calls() / (double) (a.calls() + b.calls());
  }
}
