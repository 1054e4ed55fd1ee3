package dev.switchboard.discovery.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.discovery.zk.internal.InstanceCodec;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.ServiceInstance;
import dev.switchboard.rpc.testing.Closer;
import io.grpc.Status;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ZooKeeper registry against a real (embedded) ZooKeeper server. */
@Timeout(90)
class ZkRegistryTest {
  private static final AtomicInteger roots = new AtomicInteger();
  private static final String SERVICE = "helloworld.Greeter";
  private static TestingServer zookeeper;

  private final Closer closer = new Closer();
  private String root;
  private CuratorFramework admin;

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
    root = "/t" + roots.incrementAndGet();
    admin = track(CuratorFrameworkFactory.builder().connectString(zookeeper.getConnectString())
        .namespace(root.substring(1)).retryPolicy(new RetryOneTime(100)).build());
    admin.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  private Registry open() {
    return track(ZkRegistry.open(ZkRegistryConfig.fromUri(
        URI.create("zk://" + zookeeper.getConnectString() + root))));
  }

  private static ProviderInstance instance(String app, int port, int weight) {
    return new ProviderInstance(ProviderInstance.newInstanceId("127.0.0.1", port), app,
        "127.0.0.1", port, InstanceState.SERVING, Instant.now(),
        List.of(ExportedService.of(SERVICE).withWeight(weight), ExportedService.of("a.Other")));
  }

  @Test
  void registrationWritesOneEphemeralNodeAndTheServiceMapping() throws Exception {
    ProviderInstance instance = instance("greeter", 7001, 100);
    open().register(instance);
    String path = "/v1/apps/greeter/instances/" + instance.instanceId();

    await().atMost(Duration.ofSeconds(10)).until(() -> admin.checkExists().forPath(path) != null);

    Stat stat = admin.checkExists().forPath(path);
    assertThat(stat.getEphemeralOwner()).isNotZero();
    assertThat(InstanceCodec.decode(admin.getData().forPath(path))).isEqualTo(instance);
    assertThat(admin.checkExists().forPath("/v1/services/" + SERVICE + "/greeter")).isNotNull();
    assertThat(admin.checkExists().forPath("/v1/services/a.Other/greeter")).isNotNull();
  }

  @Test
  void watchSeesRegistrationsUpdatesAndDeregistrations() {
    Registry providers = open();
    SnapshotRecorder recorder = new SnapshotRecorder();
    open().watch(SERVICE, recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latest() != null);
    assertThat(recorder.latest()).isEmpty();

    ProviderInstance a = instance("app-a", 7001, 100);
    ProviderInstance b = instance("app-b", 7002, 300);
    Registration registrationA = providers.register(a);
    providers.register(b);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(recorder.latestIds()).containsExactlyInAnyOrder(a.instanceId(), b.instanceId()));
    ServiceInstance seenB = recorder.latest().stream()
        .filter(i -> i.instanceId().equals(b.instanceId())).findFirst().orElseThrow();
    assertThat(seenB.weight()).isEqualTo(300);
    assertThat(seenB.host()).isEqualTo("127.0.0.1");

    registrationA.setWeight(42);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(recorder.latest()).anySatisfy(i -> {
          assertThat(i.instanceId()).isEqualTo(a.instanceId());
          assertThat(i.weight()).isEqualTo(42);
        }));

    registrationA.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(recorder.latestIds()).containsExactly(b.instanceId()));
    assertThat(recorder.errors).isEmpty();
  }

  @Test
  void registrationSurvivesSessionExpiry() throws Exception {
    CuratorFramework client = track(CuratorFrameworkFactory.builder()
        .connectString(zookeeper.getConnectString()).namespace(root.substring(1))
        .sessionTimeoutMs(4_000).retryPolicy(new RetryOneTime(100)).build());
    client.start();
    Registry registry = track(ZkRegistry.using(client, Duration.ofSeconds(2)));
    ProviderInstance instance = instance("greeter", 7003, 100);
    registry.register(instance);
    String path = "/v1/apps/greeter/instances/" + instance.instanceId();
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.checkExists().forPath(path) != null);
    long firstSession = client.getZookeeperClient().getZooKeeper().getSessionId();

    client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      long session = client.getZookeeperClient().getZooKeeper().getSessionId();
      Stat stat = admin.checkExists().forPath(path);
      assertThat(session).isNotEqualTo(firstSession);
      assertThat(stat).isNotNull();
      assertThat(stat.getEphemeralOwner()).isEqualTo(session);
    });
  }

  @Test
  void deletedNodeIsRecreated() throws Exception {
    ProviderInstance instance = instance("greeter", 7004, 100);
    open().register(instance);
    String path = "/v1/apps/greeter/instances/" + instance.instanceId();
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.checkExists().forPath(path) != null);
    long created = admin.checkExists().forPath(path).getCzxid();

    admin.delete().forPath(path);

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Stat stat = admin.checkExists().forPath(path);
      return stat != null && stat.getCzxid() != created;
    });
  }

  @Test
  void invalidNodesAreSkippedAndNeverEmptyTheList() throws Exception {
    ProviderInstance good = instance("greeter", 7005, 100);
    open().register(good);
    SnapshotRecorder recorder = new SnapshotRecorder();
    open().watch(SERVICE, recorder);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(recorder.latestIds()).containsExactly(good.instanceId()));

    String instances = "/v1/apps/greeter/instances/";
    admin.create().withMode(CreateMode.EPHEMERAL)
        .forPath(instances + "garbage", "{not json".getBytes(StandardCharsets.UTF_8));
    ProviderInstance impostor = instance("greeter", 7006, 100);
    admin.create().withMode(CreateMode.EPHEMERAL)
        .forPath(instances + "wrong-name", InstanceCodec.encode(impostor));
    admin.create().withMode(CreateMode.EPHEMERAL).forPath(instances + "empty", new byte[0]);
    ProviderInstance valid = instance("greeter", 7007, 100);
    admin.create().withMode(CreateMode.EPHEMERAL)
        .forPath(instances + valid.instanceId(), InstanceCodec.encode(valid));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(recorder.latestIds())
            .containsExactlyInAnyOrder(good.instanceId(), valid.instanceId()));
    assertThat(recorder.snapshots.subList(1, recorder.snapshots.size()))
        .allSatisfy(snapshot -> assertThat(snapshot).isNotEmpty());
  }

  @Test
  void zooKeeperUnreachableAtStart() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    URI uri = URI.create("zk://127.0.0.1:" + port + root + "?connectionTimeout=PT1S");
    Registry provider = track(ZkRegistry.open(ZkRegistryConfig.fromUri(uri)));
    ProviderInstance instance = instance("greeter", 7008, 100);
    provider.register(instance); // returns at once; registers when ZooKeeper appears
    Registry consumer = track(ZkRegistry.open(ZkRegistryConfig.fromUri(uri)));
    SnapshotRecorder recorder = new SnapshotRecorder();
    consumer.watch(SERVICE, recorder);

    await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.errors.isEmpty());
    assertThat(recorder.errors.get(0).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(recorder.errors.get(0).getDescription())
        .contains("127.0.0.1:" + port).contains("unreachable").contains(SERVICE);
    assertThat(recorder.latest()).isNull();

    try (TestingServer late = new TestingServer(port, true)) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(recorder.latestIds()).containsExactly(instance.instanceId()));
      provider.close();
      consumer.close();
    }
  }
}
