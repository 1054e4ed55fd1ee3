package dev.switchboard.discovery.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.switchboard.discovery.zk.ZkRegistryAdmin.Change;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.Finding;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceOverride;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceView;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.ServiceSummary;
import dev.switchboard.discovery.zk.internal.InstanceCodec;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryHealth;
import dev.switchboard.rpc.registry.ServiceInstance;
import dev.switchboard.rpc.testing.Closer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ZkRegistryAdmin} against a real (embedded) ZooKeeper: reads with invalid nodes, audited
 * compare-and-set overrides, what providers and consumers make of them (hostile ones included),
 * the dry run, the doctor, the watch and digest ACLs. Calls through real servers and clients
 * are in {@link OperatorOverrideCallsTest}.
 */
@Timeout(90)
class ZkRegistryAdminTest {
  private static final AtomicInteger roots = new AtomicInteger();
  private static final String SERVICE = "helloworld.Greeter";
  private static final String APP = "greeter";
  private static TestingServer zookeeper;

  private final Closer closer = new Closer();
  private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private String root;
  private CuratorFramework curator;

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
    root = "/admin" + roots.incrementAndGet();
    curator = track(CuratorFrameworkFactory.builder().connectString(zookeeper.getConnectString())
        .namespace(root.substring(1)).retryPolicy(new RetryOneTime(100)).build());
    curator.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  private String uri(String credentials) {
    return "zk://" + credentials + zookeeper.getConnectString() + root + "?snapshotDir=none";
  }

  private Registry registry() {
    return track(ZkRegistry.open(ZkRegistryConfig.fromUri(URI.create(uri("")))));
  }

  private ZkRegistryAdmin admin(String credentials) {
    return track(ZkRegistryAdmin.open(ZkRegistryConfig.fromUri(URI.create(uri(credentials))),
        clock));
  }

  private ZkRegistryAdmin admin() {
    return admin("");
  }

  private static ProviderInstance instance(int port, int weight, String... services) {
    List<ExportedService> exported = new ArrayList<>();
    exported.add(ExportedService.of(SERVICE).withWeight(weight));
    for (String service : services) {
      exported.add(ExportedService.of(service));
    }
    return new ProviderInstance(ProviderInstance.newInstanceId("127.0.0.1", port), APP,
        "127.0.0.1", port, InstanceState.SERVING, Instant.now(), exported);
  }

  private static String instancePath(ProviderInstance instance) {
    return "/v1/apps/" + instance.application() + "/instances/" + instance.instanceId();
  }

  private static String overridePath(ProviderInstance instance) {
    return "/v1/overrides/" + instance.application() + "/" + instance.instanceId();
  }

  /** Writes an instance node by hand: no provider applies overrides to it. */
  private void writeNode(ProviderInstance instance) throws Exception {
    curator.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
        .forPath(instancePath(instance), InstanceCodec.encode(instance));
    for (ExportedService service : instance.services()) {
      String entry = "/v1/services/" + service.name() + "/" + instance.application();
      if (curator.checkExists().forPath(entry) == null) {
        curator.create().creatingParentsIfNeeded().forPath(entry);
      }
    }
  }

  private SnapshotRecorder watch(Registry registry, int size) {
    SnapshotRecorder recorder = new SnapshotRecorder();
    registry.watch(SERVICE, recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latestSize() == size);
    return recorder;
  }

  private static ServiceInstance find(List<ServiceInstance> snapshot, ProviderInstance instance) {
    return snapshot.stream().filter(i -> i.instanceId().equals(instance.instanceId()))
        .findFirst().orElseThrow();
  }

  @Test
  void readsServicesInstancesAndInvalidNodesWithTheConsumersReason() throws Exception {
    Registry providers = registry();
    ProviderInstance a = instance(7001, 100, "a.Other");
    ProviderInstance b = instance(7002, 300);
    providers.register(a).awaitRegistered(Duration.ofSeconds(10));
    providers.register(b).awaitRegistered(Duration.ofSeconds(10));
    providers.register(instance(7003, 100)).setState(InstanceState.DRAINING);
    curator.create().withMode(CreateMode.EPHEMERAL).forPath("/v1/apps/greeter/instances/garbage",
        "{not json".getBytes(StandardCharsets.UTF_8));
    ProviderInstance metadata = new ProviderInstance("meta-1", APP, "169.254.169.254", 80,
        InstanceState.SERVING, Instant.now(), List.of(ExportedService.of(SERVICE)));
    curator.create().withMode(CreateMode.EPHEMERAL)
        .forPath(instancePath(metadata), InstanceCodec.encode(metadata));
    ZkRegistryAdmin admin = admin();
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.instances(SERVICE).stream()
        .anyMatch(v -> v.state() == InstanceState.DRAINING));

    List<ServiceSummary> services = admin.services();
    assertThat(services).extracting(ServiceSummary::service)
        .containsExactly("a.Other", SERVICE);
    ServiceSummary greeter = services.get(1);
    assertThat(greeter.applications()).containsExactly(APP);
    assertThat(greeter.serving()).isEqualTo(2);
    assertThat(greeter.draining()).isEqualTo(1);
    assertThat(greeter.invalid()).isEqualTo(2);
    long newest = 0;
    for (String node : curator.getChildren().forPath("/v1/apps/greeter/instances")) {
      newest = Math.max(newest, curator.checkExists()
          .forPath("/v1/apps/greeter/instances/" + node).getMtime());
    }
    assertThat(greeter.lastChange()).isEqualTo(Instant.ofEpochMilli(newest));
    assertThat(services.get(0).serving()).isEqualTo(1);

    clock.advance(Duration.ofHours(1));
    List<InstanceView> views = admin.instances(SERVICE);
    assertThat(views).hasSize(5);
    InstanceView garbage = views.stream().filter(v -> v.instanceId().equals("garbage"))
        .findFirst().orElseThrow();
    assertThat(garbage.valid()).isFalse();
    assertThat(garbage.state()).isNull();
    assertThat(garbage.invalidReason().orElseThrow()).startsWith("not JSON");
    InstanceView refused = views.stream().filter(v -> v.instanceId().equals("meta-1"))
        .findFirst().orElseThrow();
    assertThat(refused.invalidReason().orElseThrow()).contains("address refused")
        .contains("link-local");
    InstanceView viewB = views.stream().filter(v -> v.instanceId().equals(b.instanceId()))
        .findFirst().orElseThrow();
    assertThat(viewB.valid()).isTrue();
    assertThat(viewB.application()).isEqualTo(APP);
    assertThat(viewB.host()).isEqualTo("127.0.0.1");
    assertThat(viewB.port()).isEqualTo(7002);
    assertThat(viewB.weight()).isEqualTo(300);
    assertThat(viewB.effectiveWeight()).isEqualTo(300);
    assertThat(viewB.state()).isEqualTo(InstanceState.SERVING);
    assertThat(viewB.override()).isEmpty();
    Stat statB = curator.checkExists().forPath(instancePath(b));
    assertThat(viewB.age()).isEqualTo(Duration.between(Instant.ofEpochMilli(statB.getCtime()),
        clock.instant())).isPositive();

    assertThat(admin.instance(a.instanceId())).hasValueSatisfying(view -> {
      assertThat(view.service()).isEqualTo(SERVICE); // its first service
      assertThat(view.port()).isEqualTo(7001);
    });
    assertThat(admin.instance("garbage")).hasValueSatisfying(view ->
        assertThat(view.invalidReason()).isPresent());
    assertThat(admin.instance("no-such-instance")).isEmpty();
    assertThatThrownBy(() -> admin.instance("a/b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a/b'");
    assertThatThrownBy(() -> admin.instances("not a service"))
        .isInstanceOf(IllegalArgumentException.class);

    admin.weight(b.instanceId(), 42, "alice");
    InstanceView overridden = admin.instance(b.instanceId()).orElseThrow();
    assertThat(overridden.weight()).isEqualTo(300);
    assertThat(overridden.effectiveWeight()).isEqualTo(42);
    assertThat(overridden.override()).hasValueSatisfying(o ->
        assertThat(o.weight()).contains(42));
    assertThat(admin.health().session()).isEqualTo(RegistryHealth.CONNECTED);
  }

  @Test
  void overridesAreAuditedWithWhoWhenOldAndNew() throws Exception {
    ProviderInstance instance = instance(7001, 100);
    writeNode(instance);
    ZkRegistryAdmin admin = admin();
    Instant t1 = clock.instant();

    InstanceOverride drained = admin.drain(instance.instanceId(), "alice");
    assertThat(drained.drain()).isTrue();
    Stat afterDrain = curator.checkExists().forPath(overridePath(instance));
    assertThat(admin.drain(instance.instanceId(), "alice").history()).hasSize(1);
    assertThat(curator.checkExists().forPath(overridePath(instance)).getVersion())
        .as("a change that changes nothing writes nothing").isEqualTo(afterDrain.getVersion());

    clock.advance(Duration.ofMinutes(5));
    admin.weight(instance.instanceId(), 300, "bob");
    clock.advance(Duration.ofMinutes(5));
    admin.enable(instance.instanceId(), "alice");
    clock.advance(Duration.ofMinutes(5));
    InstanceOverride last = admin.weight(instance.instanceId(), null, "carol");

    assertThat(last.drain()).isFalse();
    assertThat(last.weight()).isEmpty();
    assertThat(last.history()).containsExactly(
        new Change("alice", t1, "drain", "false", "true"),
        new Change("bob", t1.plus(Duration.ofMinutes(5)), "weight", "none", "300"),
        new Change("alice", t1.plus(Duration.ofMinutes(10)), "enable", "true", "false"),
        new Change("carol", t1.plus(Duration.ofMinutes(15)), "weight", "300", "none"));
    assertThat(admin.override(instance.instanceId())).contains(last);
    String json = new String(curator.getData().forPath(overridePath(instance)),
        StandardCharsets.UTF_8);
    assertThat(json).contains("\"who\":\"bob\"")
        .contains("\"when\":\"" + t1.plus(Duration.ofMinutes(5)) + "\"")
        .contains("\"old\":\"none\"").contains("\"new\":\"300\"");

    assertThatThrownBy(() -> admin.weight(instance.instanceId(), 0, "bob"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weight 0").hasMessageContaining("1..10000");
    assertThatThrownBy(() -> admin.weight(instance.instanceId(), 10_001, "bob"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10001");
    assertThatThrownBy(() -> admin.drain("no-such-instance", "bob"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown instance 'no-such-instance'");
    assertThatThrownBy(() -> admin.drain(instance.instanceId(), " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operator name");

    assertThat(admin.removeOverride(instance.instanceId(), "carol")).contains(last);
    assertThat(curator.checkExists().forPath(overridePath(instance))).isNull();
    assertThat(admin.override(instance.instanceId())).isEmpty();
  }

  @Test
  void concurrentOperatorsNeverLoseEachOthersChange() throws Exception {
    ProviderInstance instance = instance(7001, 100);
    writeNode(instance);
    ZkRegistryAdmin first = admin();
    ZkRegistryAdmin second = admin();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    track(threads::shutdownNow);
    CountDownLatch start = new CountDownLatch(1);
    Future<?> toggling = threads.submit(() -> {
      start.await();
      for (int i = 0; i < 10; i++) {
        if (i % 2 == 0) {
          first.drain(instance.instanceId(), "alice");
        } else {
          first.enable(instance.instanceId(), "alice");
        }
      }
      return null;
    });
    Future<?> weighing = threads.submit(() -> {
      start.await();
      for (int i = 1; i <= 10; i++) {
        second.weight(instance.instanceId(), 100 + i, "bob");
      }
      return null;
    });
    start.countDown();
    toggling.get(30, TimeUnit.SECONDS);
    weighing.get(30, TimeUnit.SECONDS);

    InstanceOverride result = first.override(instance.instanceId()).orElseThrow();
    assertThat(result.history()).hasSize(20);
    assertThat(result.history()).filteredOn(c -> c.who().equals("alice")).hasSize(10);
    assertThat(result.history()).filteredOn(c -> c.who().equals("bob"))
        .extracting(Change::newValue)
        .containsExactly("101", "102", "103", "104", "105", "106", "107", "108", "109", "110");
    assertThat(result.drain()).isFalse();
    assertThat(result.weight()).contains(110);
  }

  @Test
  void providerPublishesDrainingWhileDrainedAcrossASessionExpiry() throws Exception {
    CuratorFramework providerClient = track(CuratorFrameworkFactory.builder()
        .connectString(zookeeper.getConnectString()).namespace(root.substring(1))
        .sessionTimeoutMs(4_000).retryPolicy(new RetryOneTime(100)).build());
    providerClient.start();
    Registry provider = track(ZkRegistry.using(providerClient, Duration.ofSeconds(2)));
    ProviderInstance instance = instance(7001, 100);
    provider.register(instance).awaitRegistered(Duration.ofSeconds(10));
    ZkRegistryAdmin admin = admin();

    admin.drain(instance.instanceId(), "alice");
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.instance(instance.instanceId())
        .orElseThrow().state() == InstanceState.DRAINING);
    long firstSession = providerClient.getZookeeperClient().getZooKeeper().getSessionId();

    providerClient.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Stat stat = curator.checkExists().forPath(instancePath(instance));
      assertThat(stat).isNotNull();
      assertThat(stat.getEphemeralOwner()).isNotEqualTo(firstSession);
    });
    assertThat(admin.instance(instance.instanceId()).orElseThrow().state())
        .as("re-registered still drained").isEqualTo(InstanceState.DRAINING);

    admin.enable(instance.instanceId(), "alice");
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.instance(instance.instanceId())
        .orElseThrow().state() == InstanceState.SERVING);
    admin.drain(instance.instanceId(), "bob");
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.instance(instance.instanceId())
        .orElseThrow().state() == InstanceState.DRAINING);
    admin.removeOverride(instance.instanceId(), "bob");
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.instance(instance.instanceId())
        .orElseThrow().state() == InstanceState.SERVING);
  }

  @Test
  void consumersApplyOverridesEvenBeforeTheProviderRepublishes() throws Exception {
    ProviderInstance a = instance(7001, 100, "a.Other");
    ProviderInstance b = instance(7002, 100);
    writeNode(a); // written by hand: no provider will republish anything
    writeNode(b);
    SnapshotRecorder consumer = watch(registry(), 2);
    SnapshotRecorder otherService = new SnapshotRecorder();
    registry().watch("a.Other", otherService);
    await().atMost(Duration.ofSeconds(10)).until(() -> otherService.latestSize() == 1);
    ZkRegistryAdmin admin = admin();

    admin.weight(a.instanceId(), 700, "alice");
    await().atMost(Duration.ofSeconds(10)).until(() ->
        find(consumer.latest(), a).weight() == 700);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        otherService.latest().get(0).weight() == 700); // every service of the instance
    assertThat(find(consumer.latest(), b).weight()).isEqualTo(100);

    admin.drain(a.instanceId(), "alice");
    await().atMost(Duration.ofSeconds(10)).until(() ->
        find(consumer.latest(), a).state() == InstanceState.DRAINING);
    assertThat(InstanceCodec.decode(curator.getData().forPath(instancePath(a))).state())
        .as("the node itself still says SERVING").isEqualTo(InstanceState.SERVING);

    admin.enable(a.instanceId(), "alice");
    admin.weight(a.instanceId(), null, "alice");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      ServiceInstance seen = find(consumer.latest(), a);
      assertThat(seen.state()).isEqualTo(InstanceState.SERVING);
      assertThat(seen.weight()).isEqualTo(100);
    });
  }

  @Test
  void hostileOverrideNodesAreSkippedWithAWarningAndChangeNoView() throws Exception {
    ProviderInstance a = instance(7001, 100);
    ProviderInstance b = instance(7002, 100);
    ProviderInstance c = instance(7003, 100);
    writeNode(a);
    writeNode(b);
    writeNode(c);
    ZkRegistryAdmin admin = admin();
    admin.drain(c.instanceId(), "alice");
    Registry consumerRegistry = registry();
    SnapshotRecorder consumer = watch(consumerRegistry, 3);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        find(consumer.latest(), c).state() == InstanceState.DRAINING);
    List<ServiceInstance> before = consumer.latest();
    int updates = consumer.snapshots.size();
    long skipped = consumerRegistry.health().invalidNodesSkipped();

    PrintStream originalErr = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new Tee(originalErr, printed), true, StandardCharsets.UTF_8));
    try {
      curator.create().creatingParentsIfNeeded().forPath(overridePath(a),
          "{\"schema\":1,\"drain\":tru".getBytes(StandardCharsets.UTF_8));
      curator.create().forPath(overridePath(b), ("{\"schema\":1,\"drain\":true,\"weight\":0}")
          .getBytes(StandardCharsets.UTF_8));
      byte[] huge = new byte[100_000];
      Arrays.fill(huge, (byte) ' ');
      byte[] start = "{\"schema\":1,\"drain\":false,\"weight\":10000".getBytes(
          StandardCharsets.UTF_8);
      System.arraycopy(start, 0, huge, 0, start.length);
      huge[huge.length - 1] = '}';
      curator.setData().forPath(overridePath(c), huge); // was a valid drain

      await().atMost(Duration.ofSeconds(10)).until(() ->
          consumerRegistry.health().invalidNodesSkipped() == skipped + 3);
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        String out = printed.toString(StandardCharsets.UTF_8);
        return out.contains("Skipping invalid override node " + overridePath(a) + ": not JSON")
            && out.contains("Skipping invalid override node " + overridePath(b)
                + ": weight 0 is out of range")
            && out.contains("Skipping invalid override node " + overridePath(c)
                + ": payload of 100000 bytes exceeds 4096");
      });
    } finally {
      System.setErr(originalErr);
    }
    // A view is rebuilt after every change; none of these changed it (c stays drained).
    ProviderInstance d = instance(7004, 100);
    writeNode(d);
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.latestSize() == 4);
    assertThat(consumer.snapshots.subList(updates, consumer.snapshots.size() - 1)).isEmpty();
    assertThat(consumer.latest()).containsAll(before);

    assertThat(admin.instances(SERVICE)).filteredOn(v -> v.instanceId().equals(a.instanceId()))
        .singleElement().satisfies(v -> {
          assertThat(v.override()).isEmpty();
          assertThat(v.effectiveWeight()).isEqualTo(100);
        });
    // An operator's next write replaces the invalid node.
    assertThat(admin.weight(b.instanceId(), 200, "alice").history()).hasSize(1);
  }

  @Test
  void dryRunGivesTheWeightedSharesOfServingInstances() throws Exception {
    ProviderInstance a = instance(7001, 100);
    ProviderInstance b = instance(7002, 100);
    ProviderInstance c = instance(7003, 200);
    ProviderInstance drained = instance(7004, 100);
    for (ProviderInstance instance : List.of(a, b, c, drained)) {
      writeNode(instance);
    }
    ZkRegistryAdmin admin = admin();
    admin.drain(drained.instanceId(), "alice");
    admin.weight(b.instanceId(), 300, "alice");

    Map<String, Double> shares = admin.dryRunWeight(SERVICE, a.instanceId(), 400);

    assertThat(shares).containsOnlyKeys(a.instanceId(), b.instanceId(), c.instanceId());
    assertThat(shares.get(a.instanceId())).isCloseTo(400 / 900.0, within(1e-9));
    assertThat(shares.get(b.instanceId())).isCloseTo(300 / 900.0, within(1e-9));
    assertThat(shares.get(c.instanceId())).isCloseTo(200 / 900.0, within(1e-9));
    assertThat(shares.values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, within(1e-9));
    assertThat(admin.dryRunWeight(SERVICE, drained.instanceId(), 500))
        .doesNotContainKey(drained.instanceId());
    assertThat(admin.override(a.instanceId())).as("nothing written").isEmpty();
    assertThatThrownBy(() -> admin.dryRunWeight(SERVICE, "no-such-instance", 100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-instance");
    assertThatThrownBy(() -> admin.dryRunWeight(SERVICE, a.instanceId(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..10000");
  }

  @Test
  void doctorFindsOrphansInvalidPayloadsAndDuplicateEndpoints() throws Exception {
    ProviderInstance healthy = instance(7001, 100);
    ProviderInstance older = instance(7002, 100);
    ProviderInstance newer = instance(7002, 100);
    writeNode(healthy);
    writeNode(older);
    writeNode(newer);
    curator.create().withMode(CreateMode.EPHEMERAL)
        .forPath("/v1/apps/greeter/instances/garbage", "[]".getBytes(StandardCharsets.UTF_8));
    curator.create().creatingParentsIfNeeded().forPath("/v1/services/x.Orphaned/ghost");
    curator.create().creatingParentsIfNeeded().forPath("/v1/apps/empty-app/instances");
    ZkRegistryAdmin admin = admin();
    admin.drain(healthy.instanceId(), "alice");
    curator.create().forPath("/v1/overrides/greeter/gone-instance",
        "{\"schema\":1,\"drain\":true}".getBytes(StandardCharsets.UTF_8));
    curator.create().forPath("/v1/overrides/greeter/" + newer.instanceId(),
        "{\"drain\":true}".getBytes(StandardCharsets.UTF_8));

    List<Finding> findings = admin.doctor();

    assertThat(findings).anySatisfy(f -> {
      assertThat(f.severity()).isEqualTo(Finding.WARNING);
      assertThat(f.path()).isEqualTo("/v1/services/x.Orphaned/ghost");
      assertThat(f.message()).contains("orphaned").contains("ghost");
    });
    assertThat(findings).anySatisfy(f -> {
      assertThat(f.severity()).isEqualTo(Finding.WARNING);
      assertThat(f.path()).isEqualTo("/v1/apps/empty-app");
      assertThat(f.message()).contains("empty application directory");
    });
    assertThat(findings).anySatisfy(f -> {
      assertThat(f.severity()).isEqualTo(Finding.WARNING);
      assertThat(f.path()).isEqualTo("/v1/overrides/greeter/gone-instance");
      assertThat(f.message()).contains("orphaned").contains("not registered");
    });
    assertThat(findings).anySatisfy(f -> {
      assertThat(f.severity()).isEqualTo(Finding.ERROR);
      assertThat(f.path()).isEqualTo("/v1/apps/greeter/instances/garbage");
      assertThat(f.message()).contains("invalid instance node: not a JSON object");
    });
    assertThat(findings).anySatisfy(f -> {
      assertThat(f.severity()).isEqualTo(Finding.ERROR);
      assertThat(f.path()).isEqualTo("/v1/overrides/greeter/" + newer.instanceId());
      assertThat(f.message()).contains("invalid override node")
          .contains("'schema' is missing");
    });
    assertThat(findings).anySatisfy(f -> {
      assertThat(f.severity()).isEqualTo(Finding.WARNING);
      assertThat(f.path()).isEqualTo(instancePath(newer));
      assertThat(f.message()).contains("duplicate endpoint 127.0.0.1:7002")
          .contains(older.instanceId()).contains("newest registration, " + newer.instanceId());
    });
    assertThat(findings).noneSatisfy(f ->
        assertThat(f.path()).isIn(instancePath(healthy), overridePath(healthy)));
    assertThat(findings).as("no credentials: no ACL findings")
        .noneSatisfy(f -> assertThat(f.message()).contains("world-writable"));
  }

  @Test
  void watchDeliversTheCurrentInstancesThenEachChange() throws Exception {
    ProviderInstance a = instance(7001, 100);
    writeNode(a);
    ZkRegistryAdmin admin = admin();
    List<List<InstanceView>> deliveries = new CopyOnWriteArrayList<>();
    AutoCloseable watch = admin.watch(SERVICE, deliveries::add);
    await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.size() == 1);
    assertThat(deliveries.get(0)).extracting(InstanceView::instanceId)
        .containsExactly(a.instanceId());

    ProviderInstance b = instance(7002, 100);
    writeNode(b);
    await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.get(deliveries.size() - 1)
        .size() == 2);
    admin.drain(a.instanceId(), "alice");
    await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.get(deliveries.size() - 1)
        .stream().anyMatch(v -> v.instanceId().equals(a.instanceId())
            && v.override().map(InstanceOverride::drain).orElse(false) && !v.serving()));
    curator.create().withMode(CreateMode.EPHEMERAL)
        .forPath("/v1/apps/greeter/instances/garbage", new byte[0]);
    await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.get(deliveries.size() - 1)
        .stream().anyMatch(v -> v.instanceId().equals("garbage")
            && v.invalidReason().equals(Optional.of("empty payload"))));

    watch.close();
    int delivered = deliveries.size();
    admin.enable(a.instanceId(), "alice");
    // A later watch sees the change; the closed one got nothing more.
    List<List<InstanceView>> later = new CopyOnWriteArrayList<>();
    admin.watch(SERVICE, later::add);
    await().atMost(Duration.ofSeconds(10)).until(() -> !later.isEmpty() && later.get(0).stream()
        .anyMatch(v -> v.instanceId().equals(a.instanceId()) && v.serving()));
    assertThat(deliveries).hasSize(delivered);
  }

  /** Operators and providers with their own digest identities; the layout made in advance. */
  @Test
  void overridesBelongToTheOperatorIdentityAndOthersAreRefused() throws Exception {
    Id provider = new Id("digest", DigestAuthenticationProvider.generateDigest("provider:s3cret"));
    Id operator = new Id("digest", DigestAuthenticationProvider.generateDigest("operator:0pw"));
    ACL worldReads = new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE);
    curator.create().creatingParentsIfNeeded().forPath("/v1");
    curator.create().withACL(List.of(new ACL(ZooDefs.Perms.ALL, provider), worldReads))
        .forPath("/v1/apps");
    curator.create().withACL(List.of(new ACL(ZooDefs.Perms.ALL, provider), worldReads))
        .forPath("/v1/services");
    curator.create().withACL(List.of(new ACL(ZooDefs.Perms.ALL, operator), worldReads))
        .forPath("/v1/overrides");
    Registry providers = track(ZkRegistry.open(ZkRegistryConfig.fromUri(
        URI.create(uri("provider:s3cret@")))));
    ProviderInstance instance = instance(7001, 100);
    providers.register(instance).awaitRegistered(Duration.ofSeconds(10));
    ZkRegistryAdmin operatorAdmin = admin("operator:0pw@");

    operatorAdmin.drain(instance.instanceId(), "alice");
    // ZooKeeper shows digests only to clients with ADMIN rights on the node: the user is enough.
    assertThat(curator.getACL().forPath(overridePath(instance)))
        .extracting(acl -> acl.getPerms() + " " + acl.getId().getScheme() + ":"
            + acl.getId().getId().split(":")[0])
        .containsExactlyInAnyOrder(ZooDefs.Perms.ALL + " digest:operator",
            ZooDefs.Perms.READ + " world:anyone");
    assertThat(operator.getId()).startsWith("operator:");
    await().atMost(Duration.ofSeconds(10)).until(() -> operatorAdmin
        .instance(instance.instanceId()).orElseThrow().state() == InstanceState.DRAINING);
    Stat before = curator.checkExists().forPath(overridePath(instance));
    byte[] data = curator.getData().forPath(overridePath(instance));

    for (ZkRegistryAdmin intruder : List.of(admin("operator:guess@"), admin(""))) {
      assertThatThrownBy(() -> intruder.enable(instance.instanceId(), "mallory"))
          .isInstanceOf(SecurityException.class)
          .hasMessageContaining("refused to change override node " + overridePath(instance))
          .hasMessageContaining("digest user 'operator'")
          .hasMessageNotContaining("0pw").hasMessageNotContaining("guess");
      assertThatThrownBy(() -> intruder.weight(instance.instanceId(), 5, "mallory"))
          .isInstanceOf(SecurityException.class);
      assertThatThrownBy(() -> intruder.removeOverride(instance.instanceId(), "mallory"))
          .isInstanceOf(SecurityException.class)
          .hasMessageContaining("refused to delete");
    }
    assertThat(curator.checkExists().forPath(overridePath(instance)).getMzxid())
        .isEqualTo(before.getMzxid());
    assertThat(curator.getData().forPath(overridePath(instance))).isEqualTo(data);
    assertThat(operatorAdmin.instance(instance.instanceId()).orElseThrow().state())
        .isEqualTo(InstanceState.DRAINING);
    // Nor may anyone else create overrides where the operator owns the directory.
    ProviderInstance other = instance(7002, 100);
    providers.register(other).awaitRegistered(Duration.ofSeconds(10));
    assertThatThrownBy(() -> admin("provider:s3cret@").drain(other.instanceId(), "mallory"))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("refused to create")
        .hasMessageContaining("digest user 'operator'");

    List<Finding> findings = operatorAdmin.doctor();
    assertThat(findings).anySatisfy(f -> {
      assertThat(f.path()).isEqualTo("/v1");
      assertThat(f.severity()).isEqualTo(Finding.ERROR);
      assertThat(f.message()).contains("world-writable (world:anyone:cdrwa)");
    });
    assertThat(findings).noneSatisfy(f -> assertThat(f.path())
        .isIn(instancePath(instance), overridePath(instance), "/v1/apps", "/v1/overrides"));
  }

  /** A clock tests move by hand. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
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
      return now;
    }
  }

  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public synchronized void write(int b) throws java.io.IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length)
        throws java.io.IOException {
      first.write(bytes, offset, length);
      second.write(bytes, offset, length);
    }
  }
}
