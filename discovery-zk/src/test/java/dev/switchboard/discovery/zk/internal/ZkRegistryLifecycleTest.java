package dev.switchboard.discovery.zk.internal;

import dev.switchboard.discovery.zk.SnapshotRecorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.discovery.zk.ZkRegistryConfig;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ExportedService;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.RegistryHealth;
import dev.switchboard.rpc.registry.RegistryListener;
import dev.switchboard.rpc.registry.ServiceInstance;
import dev.switchboard.rpc.testing.Closer;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.drivers.AdvancedTracerDriver;
import org.apache.curator.drivers.EventTrace;
import org.apache.curator.drivers.OperationTrace;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.listen.ListenerManager;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry's own lifecycle and timers against a real (embedded) ZooKeeper: what close leaves
 * on a borrowed client, a self-check that survives failures, injected time, hostile start times.
 */
@Timeout(90)
class ZkRegistryLifecycleTest {
  private static final String SERVICE = "helloworld.Greeter";
  private static final String ROOT = "/lifecycle";

  private final Closer closer = new Closer();
  private TestingServer zookeeper;
  private CuratorFramework admin;

  @BeforeEach
  void setUp() throws Exception {
    zookeeper = track(new TestingServer(true));
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
        .sessionTimeoutMs(30_000).connectionTimeoutMs(2_000)
        .retryPolicy(new RetryOneTime(100)).build());
    client.start();
    return client;
  }

  private static ProviderInstance instance(int port) {
    return new ProviderInstance(ProviderInstance.newInstanceId("127.0.0.1", port), "greeter",
        "127.0.0.1", port, InstanceState.SERVING, Instant.now(),
        List.of(ExportedService.of(SERVICE)));
  }

  private static String path(ProviderInstance instance) {
    return RegistryLayout.instance(instance.application(), instance.instanceId());
  }

  private static int listenerCount(CuratorFramework client) {
    return ((ListenerManager<?, ?>) client.getConnectionStateListenable()).size();
  }

  @Test
  void closeOnABorrowedClientLeavesNoListenerAndTheClientKeepsWorking() throws Exception {
    CuratorFramework borrowed = curator();
    int before = listenerCount(borrowed);
    ZkRegistryImpl registry = ZkRegistryImpl.using(borrowed, 2_000);
    ProviderInstance instance = instance(7001);
    registry.register(instance);
    SnapshotRecorder recorder = new SnapshotRecorder();
    registry.watch(SERVICE, recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latestSize() == 1);
    assertThat(listenerCount(borrowed)).isGreaterThan(before);

    registry.close();
    int delivered = recorder.snapshots.size();

    assertThat(listenerCount(borrowed)).isEqualTo(before);
    assertThat(admin.checkExists().forPath(path(instance))).isNull();
    // A listener left on the client would throw RejectedExecutionException out of Curator's
    // event thread at the next state change, ending every later notification on this client.
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    borrowed.getConnectionStateListenable().addListener((client, state) -> states.add(state));
    zookeeper.restart();
    await().atMost(Duration.ofSeconds(30)).until(() -> states.contains(ConnectionState.RECONNECTED));
    borrowed.create().forPath("/still-works", "yes".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(admin.getData().forPath("/still-works"), StandardCharsets.UTF_8))
        .isEqualTo("yes");
    assertThat(recorder.snapshots).hasSize(delivered);
  }

  @Test
  void aFailingSelfCheckNeitherCancelsTheNextNorStopsItRepairingANode() throws Exception {
    CuratorFramework borrowed = curator();
    ZkRegistryImpl registry = track(ZkRegistryImpl.using(borrowed, 2_000,
        new RegistryTiming(System::nanoTime, Clock.systemUTC(), Duration.ofMillis(200))));
    AtomicInteger checks = new AtomicInteger();
    registry.selfCheckHook = () -> {
      if (checks.incrementAndGet() == 1) {
        throw new IllegalStateException("injected self-check failure");
      }
    };
    ProviderInstance instance = instance(7002);
    registry.register(instance);
    String path = path(instance);
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.checkExists().forPath(path) != null);
    await().atMost(Duration.ofSeconds(10)).until(() -> checks.get() >= 3);
    long created = admin.checkExists().forPath(path).getCzxid();

    // Without its deletion watch, only the self-check can notice the node is gone.
    borrowed.watchers().removeAll().ofType(Watcher.WatcherType.Any).quietly().forPath(path);
    admin.delete().forPath(path);

    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Stat stat = admin.checkExists().forPath(path);
      return stat != null && stat.getCzxid() != created;
    });
  }

  @Test
  void registrationsMadeBeforeTheFirstConnectionAreNotCheckedAgainWhenItArrives()
      throws Exception {
    TestingServer late = track(new TestingServer(InstanceSpec.getRandomPort(), false));
    CuratorFramework borrowed = track(CuratorFrameworkFactory.builder()
        .connectString(late.getConnectString()).namespace(ROOT.substring(1))
        .sessionTimeoutMs(30_000).connectionTimeoutMs(20_000)
        .retryPolicy(new RetryOneTime(100)).build());
    RequestLog requests = new RequestLog();
    borrowed.getZookeeperClient().setTracerDriver(requests);
    borrowed.start();
    ZkRegistryImpl registry = track(ZkRegistryImpl.using(borrowed, 20_000));
    List<ProviderInstance> instances = List.of(instance(7010), instance(7011), instance(7012));
    List<Registration> registrations = new ArrayList<>();
    for (ProviderInstance instance : instances) {
      registrations.add(registry.register(instance));
    }

    late.start();
    for (Registration registration : registrations) {
      assertThat(registration.awaitRegistered(Duration.ofSeconds(30))).isTrue();
    }
    // One application's instances check its service entry once between them.
    assertThat(requests.on(RegistryLayout.provider(SERVICE, "greeter")))
        .containsExactly("ExistsBuilderImpl-Foreground", "CreateBuilderImpl-Foreground");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> registry.health().session().equals(RegistryHealth.CONNECTED));
    // The connection's handler was queued before the first marker's write (health says CONNECTED
    // just before queuing it), and whatever the handler queued runs before the second marker's.
    for (int port : new int[] {7018, 7019}) {
      Registration marker = registry.register(instance(port));
      assertThat(marker.awaitRegistered(Duration.ofSeconds(10))).isTrue();
      marker.close();
    }

    for (ProviderInstance instance : instances) {
      assertThat(requests.on(path(instance)))
          .as("requests on %s", path(instance))
          .containsExactly("CreateBuilderImpl-Foreground", "ExistsBuilderImpl-Foreground");
    }
  }

  @Test
  void aServiceEntryDeletedByHandIsRecreatedAtTheNextSelfCheck() throws Exception {
    CuratorFramework borrowed = curator();
    ZkRegistryImpl registry = track(ZkRegistryImpl.using(borrowed, 2_000,
        new RegistryTiming(System::nanoTime, Clock.systemUTC(), Duration.ofMillis(200))));
    registry.register(instance(7020));
    registry.register(instance(7021));
    String entry = RegistryLayout.provider(SERVICE, "greeter");
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.checkExists().forPath(entry) != null);

    admin.delete().forPath(entry);

    await().atMost(Duration.ofSeconds(10)).until(() -> admin.checkExists().forPath(entry) != null);
  }

  @Test
  void anInstanceNodeDeletedWithItsServiceEntryGetsBothBackAtOnce() throws Exception {
    CuratorFramework borrowed = curator();
    ZkRegistryImpl registry = track(ZkRegistryImpl.using(borrowed, 2_000));
    ProviderInstance instance = instance(7030);
    registry.register(instance);
    String entry = RegistryLayout.provider(SERVICE, "greeter");
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.checkExists().forPath(path(instance))
        != null && admin.checkExists().forPath(entry) != null);

    admin.delete().forPath(entry);
    admin.delete().forPath(path(instance));

    // Well before the 30 s self-check: the node's repair checks its entries again.
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.checkExists().forPath(path(instance))
        != null && admin.checkExists().forPath(entry) != null);
  }

  /**
   * The requests of a client that succeeded (Curator traces no failed one), by path under
   * {@link #ROOT} (the root left out), in order.
   */
  private static final class RequestLog extends AdvancedTracerDriver {
    private final Map<String, List<String>> byPath = new ConcurrentHashMap<>();

    @Override
    public void addTrace(OperationTrace trace) {
      if (trace.getPath() != null && trace.getPath().startsWith(ROOT + "/")) {
        byPath.computeIfAbsent(trace.getPath().substring(ROOT.length()),
            p -> new CopyOnWriteArrayList<>()).add(trace.getName());
      }
    }

    @Override
    public void addEvent(EventTrace trace) {}

    List<String> on(String path) {
      return byPath.getOrDefault(path, List.of());
    }
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheWatch() {
    ZkRegistryImpl registry = track(ZkRegistryImpl.using(curator(), 2_000));
    List<List<ServiceInstance>> seen = new CopyOnWriteArrayList<>();
    registry.watch(SERVICE, new RegistryListener() {
      @Override
      public void onSnapshot(List<ServiceInstance> instances) {
        seen.add(instances);
        if (seen.size() == 1) {
          throw new IllegalStateException("injected listener failure");
        }
      }

      @Override
      public void onError(Status error) {}
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);

    ProviderInstance instance = instance(7003);
    registry.register(instance);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(seen.get(seen.size() - 1)).extracting(ServiceInstance::instanceId)
            .containsExactly(instance.instanceId()));
  }

  @Test
  void dropProtectionMeasuresItsWindowWithTheInjectedTicker() {
    AtomicLong nanos = new AtomicLong(1_000);
    RegistryTiming timing = new RegistryTiming(nanos::get, Clock.systemUTC(),
        Duration.ofSeconds(30));
    ZkRegistryConfig config = ZkRegistryConfig.builder()
        .connectString(zookeeper.getConnectString()).root(ROOT)
        .dropProtection(Duration.ofHours(1)).debounce(Duration.ZERO)
        .allowLoopback(true).noSnapshots().build();
    ZkRegistryImpl providers = track(ZkRegistryImpl.open(config, timing));
    ZkRegistryImpl consumers = track(ZkRegistryImpl.open(config, timing));
    List<Registration> registrations = new ArrayList<>();
    for (int port = 7010; port < 7014; port++) {
      registrations.add(providers.register(instance(port)));
    }
    SnapshotRecorder recorder = new SnapshotRecorder();
    consumers.watch(SERVICE, recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latestSize() == 4);

    // Three of four vanish unannounced: held for the window (an hour of ticker time).
    for (Registration gone : registrations.subList(1, 4)) {
      gone.close();
    }
    Registration survivor = registrations.get(0);
    survivor.setWeight(42);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(recorder.latest()).hasSize(4);
      assertThat(recorder.latest()).anySatisfy(i -> assertThat(i.weight()).isEqualTo(42));
    });

    nanos.addAndGet(Duration.ofHours(1).toNanos());
    survivor.setWeight(43);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(recorder.latest()).singleElement()
            .satisfies(i -> assertThat(i.weight()).isEqualTo(43)));
  }

  @Test
  void hostileStartTimesAreClampedOrSkippedNeverFatal() throws Exception {
    Instant now = Instant.parse("2030-06-01T00:00:00Z");
    RegistryTiming timing = new RegistryTiming(System::nanoTime,
        Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(30));
    ZkRegistryImpl registry = track(ZkRegistryImpl.using(curator(), 2_000, timing));
    SnapshotRecorder recorder = new SnapshotRecorder();
    registry.watch(SERVICE, recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latest() != null);

    ProviderInstance epoch = instance(7020);
    ProviderInstance future = instance(7021);
    ProviderInstance farFuture = instance(7022);
    ProviderInstance good = instance(7023);
    admin.create().creatingParentsIfNeeded()
        .forPath(RegistryLayout.provider(SERVICE, "greeter"));
    write(epoch, 0);
    write(future, now.plus(Duration.ofDays(2)).toEpochMilli());
    write(farFuture, Long.MAX_VALUE);
    write(good, now.minusSeconds(5).toEpochMilli());

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(recorder.latest()).extracting(ServiceInstance::instanceId)
            .containsExactlyInAnyOrder(epoch.instanceId(), good.instanceId()));
    assertThat(recorder.latest()).filteredOn(i -> i.instanceId().equals(epoch.instanceId()))
        .singleElement().satisfies(i ->
            assertThat(i.startedAt()).isEqualTo(InstanceCodec.MIN_STARTED_AT));
    assertThat(recorder.errors).isEmpty();
  }

  private void write(ProviderInstance instance, long startedAtMs) throws Exception {
    String json = new String(InstanceCodec.encode(instance), StandardCharsets.UTF_8)
        .replaceFirst("\"startedAtMs\":-?[0-9]+", "\"startedAtMs\":" + startedAtMs);
    admin.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
        .forPath(path(instance), json.getBytes(StandardCharsets.UTF_8));
  }
}
