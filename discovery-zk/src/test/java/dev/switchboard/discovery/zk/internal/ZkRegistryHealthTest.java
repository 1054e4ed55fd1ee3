package dev.switchboard.discovery.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.discovery.zk.SnapshotRecorder;
import dev.switchboard.discovery.zk.ZkRegistryConfig;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.RegistryHealth;
import dev.switchboard.rpc.registry.RegistryHealth.ServiceHealth;
import dev.switchboard.rpc.registry.ServiceInstance;
import dev.switchboard.rpc.registry.Watch;
import dev.switchboard.rpc.testing.Closer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ZkRegistryImpl#health()} against a real (embedded) ZooKeeper: the session state through
 * an outage, re-registrations, skipped nodes, mass-drop holds and the disk snapshot. Each test
 * has its own ZooKeeper server with a 200 ms tick, so 4 s sessions expire within a test.
 */
@Timeout(90)
class ZkRegistryHealthTest {
  private static final String SERVICE = "helloworld.Greeter";
  private static final String OTHER = "a.Other";
  private static final String ROOT = "/health";
  private static final Duration SESSION = Duration.ofSeconds(4);

  private final Closer closer = new Closer();
  private TestingServer zookeeper;
  private CuratorFramework admin;

  @TempDir
  Path snapshots;

  @BeforeEach
  void setUp() throws Exception {
    zookeeper = track(new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1),
        true));
    admin = curator();
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  private CuratorFramework curator() {
    CuratorFramework client = track(CuratorFrameworkFactory.builder()
        .connectString(zookeeper.getConnectString()).namespace(ROOT.substring(1))
        .sessionTimeoutMs((int) SESSION.toMillis()).connectionTimeoutMs(1_000)
        .retryPolicy(new RetryOneTime(100)).build());
    client.start();
    return client;
  }

  private ZkRegistryConfig.Builder config() {
    return ZkRegistryConfig.builder().connectString(zookeeper.getConnectString()).root(ROOT)
        .sessionTimeout(SESSION).connectionTimeout(Duration.ofSeconds(1)).allowLoopback(true)
        .noSnapshots();
  }

  private ZkRegistryImpl open(ZkRegistryConfig.Builder config) {
    return track(ZkRegistryImpl.open(config.build()));
  }

  private static ProviderInstance instance(int port, String... services) {
    return new ProviderInstance(ProviderInstance.newInstanceId("127.0.0.1", port), "greeter",
        "127.0.0.1", port, InstanceState.SERVING, Instant.now(),
        Arrays.stream(services).map(ExportedService::of).toList());
  }

  private static String path(ProviderInstance instance) {
    return RegistryLayout.instance(instance.application(), instance.instanceId());
  }

  private static SnapshotRecorder watch(ZkRegistryImpl registry, String service, int size) {
    SnapshotRecorder recorder = new SnapshotRecorder();
    registry.watch(service, recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latestSize() == size);
    return recorder;
  }

  private static ServiceHealth live(int instances) {
    return new ServiceHealth(instances, false, 0, Optional.empty());
  }

  @Test
  void afterConnectingTheSessionIsConnectedAndEachServiceCountsItsInstances() throws Exception {
    ZkRegistryImpl providers = open(config());
    for (ProviderInstance instance : List.of(instance(7001, SERVICE),
        instance(7002, SERVICE, OTHER), instance(7003, OTHER), instance(7004, OTHER))) {
      providers.register(instance).awaitRegistered(Duration.ofSeconds(10));
    }
    ZkRegistryImpl consumers = open(config());
    await().atMost(Duration.ofSeconds(10)).until(() ->
        consumers.health().session().equals(RegistryHealth.CONNECTED));
    assertThat(consumers.health().services()).isEmpty();

    watch(consumers, SERVICE, 2);
    watch(consumers, OTHER, 3);
    Watch second = consumers.watch(SERVICE, new SnapshotRecorder()); // merged with the first

    RegistryHealth health = consumers.health();
    assertThat(health.session()).isEqualTo(RegistryHealth.CONNECTED);
    assertThat(health.reRegistrations()).isZero();
    assertThat(health.invalidNodesSkipped()).isZero();
    assertThat(health.services()).containsOnly(
        Map.entry(SERVICE, live(2)), Map.entry(OTHER, live(3)));
    RegistryHealth provided = providers.health();
    assertThat(provided.session()).isEqualTo(RegistryHealth.CONNECTED);
    assertThat(provided.reRegistrations()).isZero();
    assertThat(provided.services()).isEmpty();

    second.close();
    assertThat(consumers.health().services().get(SERVICE)).isEqualTo(live(2));
  }

  /** Returns a registry that has registered one instance of {@link #SERVICE}. */
  private ZkRegistryImpl providerOfOne() throws Exception {
    ZkRegistryImpl provider = open(config());
    provider.register(instance(7001, SERVICE)).awaitRegistered(Duration.ofSeconds(10));
    return provider;
  }

  /** Returns a registry whose watch of {@link #SERVICE} sees its one instance live. */
  private ZkRegistryImpl consumerSeeingOne() throws Exception {
    ZkRegistryImpl consumer = open(config());
    watch(consumer, SERVICE, 1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(consumer.health().services().get(SERVICE)).isEqualTo(live(1)));
    return consumer;
  }

  @Test
  void sessionFollowsAnOutageAndViewsAreLastKnownGoodWhileZooKeeperIsDown() throws Exception {
    ZkRegistryImpl provider = providerOfOne();
    ZkRegistryImpl consumer = consumerSeeingOne();

    zookeeper.stop();

    RegistryHealth suspended = await().atMost(Duration.ofSeconds(10)).until(consumer::health,
        health -> health.session().equals(RegistryHealth.SUSPENDED));
    assertThat(suspended.services().get(SERVICE))
        .isEqualTo(new ServiceHealth(1, true, 0, Optional.empty()));
    // LOST: Curator has gone a whole session timeout without ZooKeeper.
    RegistryHealth lost = await().atMost(SESSION.multipliedBy(5)).until(consumer::health,
        health -> health.session().equals(RegistryHealth.LOST));
    assertThat(lost.services().get(SERVICE))
        .isEqualTo(new ServiceHealth(1, true, 0, Optional.empty()));

    zookeeper.restart();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      RegistryHealth health = consumer.health();
      assertThat(health.session()).isEqualTo(RegistryHealth.CONNECTED);
      assertThat(health.services().get(SERVICE)).isEqualTo(live(1));
    });
    // The provider's session expired with the outage: its node was made again, once.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(provider.health().session()).isEqualTo(RegistryHealth.CONNECTED);
      assertThat(provider.health().reRegistrations()).isEqualTo(1);
    });
  }

  @Test
  void afterAShortOutageThatChangedNothingTheViewIsLiveAgainOnceEverythingIsReadAgain()
      throws Exception {
    ZkRegistryImpl provider = providerOfOne();
    ZkRegistryImpl consumer = consumerSeeingOne();

    zookeeper.stop();
    await().atMost(Duration.ofSeconds(10)).until(consumer::health,
        health -> health.services().get(SERVICE).holdingLastKnownGood());
    zookeeper.restart(); // within the session timeout: every session and node survives

    // the re-read finds nothing new, and still ends the last-known-good state
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      RegistryHealth health = consumer.health();
      assertThat(health.session()).isEqualTo(RegistryHealth.CONNECTED);
      assertThat(health.services().get(SERVICE)).isEqualTo(live(1));
    });
    assertThat(provider.health().reRegistrations()).as("nothing changed").isZero();
  }

  @Test
  void aRegistrationRecreatedAfterSessionExpiryOrDeletionCountsAReRegistration()
      throws Exception {
    CuratorFramework client = curator();
    ZkRegistryImpl registry = track(ZkRegistryImpl.using(client, 2_000));
    ProviderInstance instance = instance(7001, SERVICE);
    Registration registration = registry.register(instance);
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    String path = path(instance);
    assertThat(registry.health().session()).isEqualTo(RegistryHealth.CONNECTED); // borrowed
    assertThat(registry.health().reRegistrations()).isZero();
    long firstSession = client.getZookeeperClient().getZooKeeper().getSessionId();

    client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      long session = client.getZookeeperClient().getZooKeeper().getSessionId();
      Stat stat = admin.checkExists().forPath(path);
      assertThat(session).isNotEqualTo(firstSession);
      assertThat(stat).isNotNull();
      assertThat(stat.getEphemeralOwner()).isEqualTo(session);
      assertThat(registry.health().reRegistrations()).isEqualTo(1);
    });
    long created = admin.checkExists().forPath(path).getCzxid();

    admin.delete().forPath(path);

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Stat stat = admin.checkExists().forPath(path);
      return stat != null && stat.getCzxid() != created;
    });
    await().atMost(Duration.ofSeconds(10)).until(() ->
        registry.health().reRegistrations() == 2);
    // An update rewrites the node our session owns: no re-registration.
    registration.setWeight(42);
    await().atMost(Duration.ofSeconds(10)).until(() -> InstanceCodec.decode(
        admin.getData().forPath(path)).services().get(0).weight() == 42);
    assertThat(registry.health().reRegistrations()).isEqualTo(2);
    assertThat(registry.health().session()).isEqualTo(RegistryHealth.CONNECTED);
  }

  @Test
  void invalidNodesCountOncePerVersionHoweverOftenTheyAreRead() throws Exception {
    ZkRegistryImpl providers = open(config());
    providers.register(instance(7001, SERVICE, OTHER)).awaitRegistered(Duration.ofSeconds(10));
    ZkRegistryImpl consumers = open(config());
    // Three watches read the application's one cache; two of them read the service's nodes.
    List<SnapshotRecorder> recorders = List.of(watch(consumers, SERVICE, 1),
        watch(consumers, SERVICE, 1), watch(consumers, OTHER, 1));
    assertThat(consumers.health().invalidNodesSkipped()).isZero();

    String instances = RegistryLayout.instances("greeter") + "/";
    admin.create().withMode(CreateMode.EPHEMERAL)
        .forPath(instances + "garbage", "{not json".getBytes(StandardCharsets.UTF_8));
    admin.create().withMode(CreateMode.EPHEMERAL).forPath(instances + "wrong-name",
        InstanceCodec.encode(instance(7006, SERVICE, OTHER)));
    admin.create().withMode(CreateMode.EPHEMERAL).forPath(instances + "empty", new byte[0]);
    admin.create().forPath(RegistryLayout.provider(SERVICE, "-not-an-application"));

    await().atMost(Duration.ofSeconds(10)).until(() ->
        consumers.health().invalidNodesSkipped() == 4);
    // Every view is rebuilt from the caches, bad nodes included: they do not count again.
    providers.register(instance(7002, SERVICE, OTHER));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        recorders.stream().allMatch(recorder -> recorder.latestSize() == 2));
    assertThat(consumers.health().invalidNodesSkipped()).isEqualTo(4);

    // A new version of a bad node is a new skip.
    admin.setData().forPath(instances + "garbage", "still not json".getBytes(
        StandardCharsets.UTF_8));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        consumers.health().invalidNodesSkipped() == 5);
    admin.delete().forPath(instances + "garbage");
    providers.register(instance(7003, SERVICE, OTHER));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        recorders.stream().allMatch(recorder -> recorder.latestSize() == 3));
    assertThat(consumers.health().invalidNodesSkipped()).isEqualTo(5);
    assertThat(consumers.health().services().get(SERVICE)).isEqualTo(live(3));
  }

  @Test
  void aHeldMassDropCountsOnceForEachWatchOfTheService() throws Exception {
    AtomicLong nanos = new AtomicLong(1_000);
    RegistryTiming timing = new RegistryTiming(nanos::get, Clock.systemUTC(),
        Duration.ofSeconds(30));
    ZkRegistryConfig config = config().dropProtection(Duration.ofHours(1))
        .debounce(Duration.ZERO).build();
    ZkRegistryImpl providers = track(ZkRegistryImpl.open(config, timing));
    ZkRegistryImpl consumers = track(ZkRegistryImpl.open(config, timing));
    List<Registration> registrations = new ArrayList<>();
    for (int port = 7010; port < 7014; port++) {
      registrations.add(providers.register(instance(port, SERVICE)));
    }
    SnapshotRecorder first = watch(consumers, SERVICE, 4);
    SnapshotRecorder second = new SnapshotRecorder();
    Watch secondWatch = consumers.watch(SERVICE, second);
    await().atMost(Duration.ofSeconds(10)).until(() -> second.latestSize() == 4);
    assertThat(consumers.health().services().get(SERVICE)).isEqualTo(live(4));

    // Three of four vanish unannounced: each watch holds them for the window.
    for (Registration gone : registrations.subList(1, 4)) {
      gone.close();
    }
    Registration survivor = registrations.get(0);
    survivor.setWeight(42);
    for (SnapshotRecorder recorder : List.of(first, second)) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(recorder.latest()).hasSize(4);
        assertThat(recorder.latest()).anySatisfy(i -> assertThat(i.weight()).isEqualTo(42));
      });
    }
    // Holding a mass drop is not holding the last known good: ZooKeeper is readable.
    assertThat(consumers.health().services().get(SERVICE))
        .isEqualTo(new ServiceHealth(4, false, 2, Optional.empty()));

    nanos.addAndGet(Duration.ofHours(1).toNanos());
    survivor.setWeight(43);

    for (SnapshotRecorder recorder : List.of(first, second)) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(recorder.latest()).singleElement()
              .satisfies(i -> assertThat(i.weight()).isEqualTo(43)));
    }
    assertThat(consumers.health().services().get(SERVICE))
        .isEqualTo(new ServiceHealth(1, false, 2, Optional.empty()));
    secondWatch.close(); // the count stays while the service is watched
    assertThat(consumers.health().services().get(SERVICE))
        .isEqualTo(new ServiceHealth(1, false, 2, Optional.empty()));
  }

  @Test
  void aColdStartFromTheDiskSnapshotReportsItsAgeUntilZooKeeperAnswers() throws Exception {
    Instant written = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    MutableClock clock = new MutableClock(written);
    RegistryTiming timing = new RegistryTiming(System::nanoTime, clock, Duration.ofSeconds(30));
    ZkRegistryConfig config = config().snapshotDirectory(snapshots).build();
    ProviderInstance instance = instance(7001, SERVICE);
    open(config()).register(instance).awaitRegistered(Duration.ofSeconds(10));
    ZkRegistryImpl first = track(ZkRegistryImpl.open(config, timing));
    watch(first, SERVICE, 1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(first.health().services().get(SERVICE)).isEqualTo(live(1)));
    first.close();
    zookeeper.stop();
    clock.set(written.plusSeconds(90));

    ZkRegistryImpl cold = track(ZkRegistryImpl.open(config, timing));
    SnapshotRecorder recorder = new SnapshotRecorder();
    cold.watch(SERVICE, recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latest() != null);

    assertThat(recorder.latestIds()).containsExactly(instance.instanceId());
    RegistryHealth health = cold.health();
    assertThat(health.session()).isEqualTo(RegistryHealth.LOST); // never connected: no session
    assertThat(health.services().get(SERVICE))
        .isEqualTo(new ServiceHealth(1, true, 0, Optional.of(Duration.ofSeconds(90))));
    clock.set(written.plusSeconds(120));
    assertThat(cold.health().services().get(SERVICE).snapshotAge())
        .contains(Duration.ofSeconds(120));

    zookeeper.restart();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      RegistryHealth answered = cold.health();
      assertThat(answered.session()).isEqualTo(RegistryHealth.CONNECTED);
      assertThat(answered.services().get(SERVICE)).isEqualTo(live(1));
    });
    assertThat(recorder.latest()).extracting(ServiceInstance::instanceId)
        .containsExactly(instance.instanceId());
  }

  /** A clock the test sets. */
  private static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant now) {
      this.now = new AtomicReference<>(now);
    }

    void set(Instant instant) {
      now.set(instant);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
