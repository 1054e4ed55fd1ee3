package dev.switchboard.discovery.zk;

import static dev.switchboard.rpc.testing.Greeters.awaitAllServing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.proto.helloworld.HelloRequest;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcReference;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.testing.CallLoop;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole path: annotate, register in ZooKeeper, discover, balance, call. */
@Timeout(90)
class ZkEndToEndTest {
  private static final AtomicInteger roots = new AtomicInteger();
  private static final HelloRequest WORLD = HelloRequest.newBuilder().setName("world").build();
  private static TestingServer zookeeper;

  private final Closer closer = new Closer();
  private String registry;
  private RpcClient client;

  static final class Consumer {
    @RpcReference(deadline = "10s")
    GreeterGrpc.GreeterBlockingStub greeter;
  }

  @BeforeAll
  static void startZooKeeper() throws Exception {
    zookeeper = new TestingServer(true);
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    zookeeper.close();
  }

  @BeforeEach
  void setUp() {
    registry = "zk://" + zookeeper.getConnectString() + "/e2e" + roots.incrementAndGet();
    client = RpcClient.builder().registry(registry).shutdownGrace(Duration.ofMillis(500)).build();
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
  void threeProvidersShareCallsByWeight() {
    TestGreeter[] greeters = {new TestGreeter("w1"), new TestGreeter("w2"), new TestGreeter("w3")};
    for (int i = 0; i < greeters.length; i++) {
      track(Providers.start(registry, greeters[i], i + 1));
    }
    Consumer consumer = client.inject(new Consumer());
    awaitAllServing(consumer.greeter, greeters);

    for (int i = 0; i < 1_200; i++) {
      consumer.greeter.sayHello(WORLD);
    }

    // 1:2:3 of 1,200 is 200:400:600; the smooth schedule holds it to within a few calls.
    assertThat(greeters[0].calls()).isBetween(190, 210);
    assertThat(greeters[1].calls()).isBetween(390, 410);
    assertThat(greeters[2].calls()).isBetween(590, 610);
  }

  @Test
  void gracefullyClosedProviderStopsReceivingCallsAndNoCallFails() throws Exception {
    TestGreeter leaving = new TestGreeter("leaving");
    TestGreeter staying = new TestGreeter("staying");
    RpcServer leavingServer = Providers.start(registry, leaving, 100);
    track(Providers.start(registry, staying, 100));
    GreeterGrpc.GreeterBlockingStub greeter = client.inject(new Consumer()).greeter;
    awaitAllServing(greeter, leaving, staying);

    CallLoop calls = CallLoop.start(() -> greeter.sayHello(WORLD));
    leavingServer.close();
    int servedAfterClose = leaving.calls();
    int before = calls.succeeded();
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.succeeded() > before + 100);
    calls.close();

    assertThat(calls.failures()).isEmpty();
    assertThat(leaving.calls()).isEqualTo(servedAfterClose);
  }

  @Test
  void closingProviderIsPublishedDrainingBeforeItLeaves() throws Exception {
    RpcServer server = RpcServer.builder().application("draining").registry(registry)
        .bindAddress("127.0.0.1").drainPeriod(Duration.ofMillis(1_500)).shutdownHook(false)
        .addService(new TestGreeter("draining")).build().start();
    Registry watcher = track(ZkRegistry.open(ZkRegistryConfig.fromUri(URI.create(registry))));
    SnapshotRecorder recorder = new SnapshotRecorder();
    watcher.watch("helloworld.Greeter", recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latest() != null
        && recorder.latest().size() == 1);

    Thread closer = new Thread(server::close);
    closer.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latest().size() == 1
        && recorder.latest().get(0).state() == InstanceState.DRAINING);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latest().isEmpty());
    closer.join(10_000);
  }

  @Test
  void providerStartedLaterReceivesCalls() {
    TestGreeter first = new TestGreeter("first");
    track(Providers.start(registry, first, 100));
    GreeterGrpc.GreeterBlockingStub greeter = client.inject(new Consumer()).greeter;
    assertThat(greeter.sayHello(WORLD).getServedBy()).isEqualTo("first");

    TestGreeter late = new TestGreeter("late");
    track(Providers.start(registry, late, 100));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      greeter.sayHello(WORLD);
      assertThat(late.calls()).isPositive();
    });
  }

  @Test
  void plainGrpcChannelResolvesZooKeeperTarget() {
    track(Providers.start(registry, new TestGreeter("plain"), 100));
    ManagedChannel channel = ManagedChannelBuilder
        .forTarget(registry + "/helloworld.Greeter")
        .defaultLoadBalancingPolicy("switchboard_weighted_round_robin")
        .usePlaintext()
        .build();
    track(channel::shutdownNow);

    assertThat(GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .sayHello(WORLD).getServedBy()).isEqualTo("plain");
  }

}
