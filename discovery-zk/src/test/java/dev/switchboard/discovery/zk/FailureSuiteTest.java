package dev.switchboard.discovery.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Greeters;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.TestGreeter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The failure suite: each test stages one failure of {@code zookeeper-registry.md}'s table while
 * a consumer calls on two threads, and asserts that no call fails. Each prints a
 * {@code FAILURE-SUITE |} line (scenario, calls, failed calls, what was measured) for the report
 * in {@code docs/registry.md}. Every test has its own ZooKeeper with a 200 ms tick and 4 s
 * sessions.
 */
@Timeout(120)
class FailureSuiteTest {
  private static final Duration SESSION = Duration.ofSeconds(4);

  private final Closer closer = new Closer();
  private TestingServer zookeeper;
  private String registry;
  private CuratorFramework admin;

  @BeforeEach
  void setUp() throws Exception {
    zookeeper = track(new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1),
        true));
    registry = "zk://" + zookeeper.getConnectString() + "/suite?sessionTimeout=" + SESSION;
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
        .connectString(zookeeper.getConnectString()).namespace("suite")
        .sessionTimeoutMs((int) SESSION.toMillis()).connectionTimeoutMs(1_000)
        .retryPolicy(new RetryOneTime(100)).build());
    client.start();
    return client;
  }

  private TestGreeter[] startProviders(String prefix, int count) {
    TestGreeter[] greeters = new TestGreeter[count];
    for (int i = 0; i < count; i++) {
      greeters[i] = new TestGreeter(prefix + i);
      track(Providers.start(registry, greeters[i], 100));
    }
    return greeters;
  }

  private LoadedConsumer consumer(boolean retries, TestGreeter... expected) {
    LoadedConsumer consumer = track(new LoadedConsumer(registry, retries));
    Greeters.awaitAllServing(consumer.greeter(), expected);
    return consumer.start();
  }

  private static void awaitMoreCalls(LoadedConsumer consumer, int more) {
    int before = consumer.succeeded();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.succeeded() >= before + more);
  }

  private SnapshotRecorder watch() {
    Registry watcher = track(ZkRegistry.open(ZkRegistryConfig.fromUri(URI.create(registry))));
    SnapshotRecorder recorder = new SnapshotRecorder();
    watcher.watch("helloworld.Greeter", recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.latest() != null);
    return recorder;
  }

  private List<String> instanceNodes() throws Exception {
    return admin.checkExists().forPath("/v1/apps/test-app/instances") == null ? List.of()
        : admin.getChildren().forPath("/v1/apps/test-app/instances");
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** S13: a provider process dies with SIGKILL: no deregistration, a stale node for a session. */
  @Test
  void providerKilledWithSigkill() throws Exception {
    TestGreeter[] survivors = startProviders("p", 2);
    ChildJvm child = track(ChildJvm.start("provider-kill9", ChildProvider.class,
        line -> line.startsWith("SERVING"), registry, "child"));
    child.awaitReady(60, TimeUnit.SECONDS);
    LoadedConsumer consumer = track(new LoadedConsumer(registry, true));
    await().atMost(Duration.ofSeconds(15)).until(() ->
        consumer.greeter().sayHello(Greeters.WORLD).getServedBy().equals("child"));
    consumer.start();
    SnapshotRecorder registryView = watch();
    awaitMoreCalls(consumer, 200);

    long killed = System.nanoTime();
    child.kill9();
    awaitMoreCalls(consumer, 200);
    await().atMost(SESSION.multipliedBy(3)).until(() -> registryView.latest().size() == 2);
    long droppedAfter = millisSince(killed);
    awaitMoreCalls(consumer, 200);

    consumer.stop("S13 provider `kill -9`", "registry dropped the node after " + droppedAfter
        + " ms (session 4 s); calls failed over at once");
    assertThat(consumer.failures()).isEmpty();
    assertThat(survivors[0].calls() + survivors[1].calls()).isPositive();
  }

  /** S2: ZooKeeper down for longer than the session timeout. */
  @Test
  void zooKeeperDownLongerThanTheSessionTimeout() throws Exception {
    TestGreeter[] greeters = startProviders("p", 3);
    LoadedConsumer consumer = consumer(true, greeters);
    CuratorFramework observer = curator();
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    observer.getConnectionStateListenable().addListener((client, state) -> states.add(state));
    awaitMoreCalls(consumer, 200);

    long stopped = System.nanoTime();
    zookeeper.stop();
    // LOST: a client has gone a whole session timeout without ZooKeeper.
    await().atMost(SESSION.multipliedBy(5)).until(() -> states.contains(ConnectionState.LOST));
    awaitMoreCalls(consumer, 200);
    long outage = millisSince(stopped);
    long restarted = System.nanoTime();
    zookeeper.restart();
    await().atMost(SESSION.multipliedBy(2)).until(() -> instanceNodes().size() == 3);
    long back = millisSince(restarted);
    awaitMoreCalls(consumer, 200);

    consumer.stop("S2 ZooKeeper down longer than the session timeout", "down " + outage
        + " ms; all 3 registrations present " + back + " ms after restart");
    assertThat(consumer.failures()).isEmpty();
  }

  /**
   * S5: the provider is cut off from ZooKeeper (a TCP proxy) until the server expires its
   * session and deletes its node; after the partition heals it must register again.
   */
  @Test
  void providerSessionExpiredByTheServer() throws Exception {
    TestGreeter[] greeters = startProviders("p", 2);
    TcpProxy proxy = track(new TcpProxy(zookeeper.getPort()));
    String partitionable = "zk://" + proxy.connectString() + "/suite?sessionTimeout=" + SESSION;
    TestGreeter expiring = new TestGreeter("expiring");
    track(Providers.start(partitionable, expiring, 100));
    LoadedConsumer consumer = consumer(true, greeters[0], greeters[1], expiring);
    awaitMoreCalls(consumer, 200);
    List<String> before = instanceNodes();

    long cut = System.nanoTime();
    proxy.cut();
    await().atMost(SESSION.multipliedBy(4)).until(() -> instanceNodes().size() == 2);
    long expiredAfter = millisSince(cut);
    awaitMoreCalls(consumer, 200);
    long healed = System.nanoTime();
    proxy.heal();
    await().atMost(SESSION.multipliedBy(3)).until(() -> instanceNodes().size() == 3);
    long reRegistered = millisSince(healed);
    awaitMoreCalls(consumer, 200);

    consumer.stop("S5 provider partitioned from ZooKeeper until the server expired its session",
        "server deleted the node " + expiredAfter + " ms after the cut (session 4 s);"
            + " re-registered " + reRegistered + " ms after healing");
    assertThat(consumer.failures()).isEmpty();
    assertThat(instanceNodes()).containsExactlyInAnyOrderElementsOf(before);
  }

  /** S8: every provider replaced at once (new generation up, old generation closed together). */
  @Test
  void massRestartOfEveryProvider() throws Exception {
    TestGreeter[] old = new TestGreeter[4];
    List<RpcServer> oldServers = new ArrayList<>();
    for (int i = 0; i < old.length; i++) {
      old[i] = new TestGreeter("old" + i);
      oldServers.add(track(Providers.start(registry, old[i], 100)));
    }
    LoadedConsumer consumer = consumer(true, old);
    SnapshotRecorder registryView = watch();
    int viewsBefore = registryView.snapshots.size();
    awaitMoreCalls(consumer, 200);

    TestGreeter[] fresh = startProviders("new", 4);
    List<Thread> closing = oldServers.stream().map(server -> new Thread(server::close)).toList();
    closing.forEach(Thread::start);
    for (Thread thread : closing) {
      thread.join(30_000);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> registryView.latest().size() == 4);
    int[] freshCalls = {0};
    for (TestGreeter greeter : fresh) {
      greeter.resetCalls();
    }
    awaitMoreCalls(consumer, 400);
    for (TestGreeter greeter : fresh) {
      freshCalls[0] += greeter.calls();
    }

    consumer.stop("S8 mass restart (4 new providers up, 4 old closed at once)",
        (registryView.snapshots.size() - viewsBefore) + " registry updates, smallest view "
            + registryView.snapshots.stream().mapToInt(List::size).min().orElse(0));
    assertThat(consumer.failures()).isEmpty();
    assertThat(freshCalls[0]).isPositive();
    assertThat(registryView.snapshots).allSatisfy(view -> assertThat(view).isNotEmpty());
  }

  /** S12: a rolling restart, retries off: graceful drain alone must lose nothing. */
  @Test
  void rollingRestartWithoutRetries() throws Exception {
    List<RpcServer> servers = new ArrayList<>();
    TestGreeter[] first = new TestGreeter[3];
    for (int i = 0; i < first.length; i++) {
      first[i] = new TestGreeter("v1-" + i);
      servers.add(Providers.start(registry, first[i], 100));
    }
    LoadedConsumer consumer = consumer(false, first);
    awaitMoreCalls(consumer, 200);

    for (int i = 0; i < servers.size(); i++) {
      track(Providers.start(registry, new TestGreeter("v2-" + i), 100));
      servers.get(i).close();
      awaitMoreCalls(consumer, 100);
    }

    consumer.stop("S12 rolling restart of 3 providers, retries off", "DRAINING, 300 ms drain,"
        + " deregister, GOAWAY");
    assertThat(consumer.failures()).isEmpty();
  }
}
