package dev.switchboard.discovery.zk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.rpc.testing.Closer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ChildrenCache} against a real (embedded) ZooKeeper: the first read, each kind of
 * change, a parent that does not exist yet, a cache of names only, and the re-read after a
 * reconnect, which passes on real differences only and announces its completion.
 */
@Timeout(60)
class ChildrenCacheTest {
  private static final String PARENT = "/v1/apps/a/instances";

  private final Closer closer = new Closer();
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final AtomicInteger changes = new AtomicInteger();
  private final AtomicInteger resynced = new AtomicInteger();
  private final AtomicInteger wrongThread = new AtomicInteger();
  private TestingServer zookeeper;
  private CuratorFramework client;
  private CuratorFramework writer;

  @BeforeEach
  void setUp() throws Exception {
    zookeeper = closer.register(new TestingServer(true));
    client = curator();
    writer = curator();
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close(); // the caches first, on the executor
    executor.shutdownNow();
    assertThat(wrongThread).as("notifications off the registry executor").hasValue(0);
  }

  private CuratorFramework curator() {
    CuratorFramework curator = closer.register(CuratorFrameworkFactory.builder()
        .connectString(zookeeper.getConnectString()).sessionTimeoutMs(30_000)
        .connectionTimeoutMs(2_000).retryPolicy(new RetryOneTime(100)).build());
    curator.start();
    return curator;
  }

  private ChildrenCache start(boolean withData) throws Exception {
    Thread registryThread = onExecutor(Thread::currentThread);
    ChildrenCache cache = onExecutor(() -> new ChildrenCache(client, PARENT, withData, executor,
        () -> count(changes, registryThread), () -> count(resynced, registryThread)));
    closer.register(() -> onExecutor(() -> {
      cache.close();
      return null;
    }));
    onExecutor(() -> {
      cache.start();
      return null;
    });
    return cache;
  }

  /** Counts a notification; one off the cache's executor counts as a wrong thread. */
  private void count(AtomicInteger counter, Thread expected) {
    counter.incrementAndGet();
    if (Thread.currentThread() != expected) {
      wrongThread.incrementAndGet();
    }
  }

  private <T> T onExecutor(Callable<T> task) throws Exception {
    return executor.submit(task).get();
  }

  /** The cache's children as name → data (or "" without data), read on its executor. */
  private Map<String, String> contents(ChildrenCache cache) throws Exception {
    return onExecutor(() -> {
      Map<String, String> result = new TreeMap<>();
      for (ChildrenCache.Child child : cache.children()) {
        result.put(child.name(), child.data() == null ? ""
            : new String(child.data(), StandardCharsets.UTF_8));
      }
      return result;
    });
  }

  private void write(String name, String data) throws Exception {
    writer.create().orSetData().creatingParentsIfNeeded()
        .forPath(PARENT + "/" + name, data.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsEveryChildThenFollowsCreationChangeAndDeletion() throws Exception {
    write("one", "1");
    write("two", "2");
    ChildrenCache cache = start(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> onExecutor(cache::initialized));
    assertThat(contents(cache)).containsExactly(Map.entry("one", "1"), Map.entry("two", "2"));
    assertThat(changes).hasValue(1); // the first read, announced once

    write("three", "3");
    write("one", "1b");
    writer.delete().forPath(PARENT + "/two");
    writer.create().forPath(PARENT + "/three/deeper", new byte[] {1}); // below the layout
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(contents(cache))
        .containsExactly(Map.entry("one", "1b"), Map.entry("three", "3")));
    assertThat(onExecutor(() -> cache.children().stream()
        .allMatch(child -> child.czxid() > 0 && child.mzxid() >= child.czxid()))).isTrue();
  }

  @Test
  void aParentCreatedLaterIsRead() throws Exception {
    ChildrenCache cache = start(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> onExecutor(cache::initialized));
    assertThat(contents(cache)).isEmpty();

    write("late", "x");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(contents(cache)).containsExactly(Map.entry("late", "x")));

    writer.delete().deletingChildrenIfNeeded().forPath(PARENT);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(contents(cache)).isEmpty());
  }

  @Test
  void aCacheOfNamesReadsNoData() throws Exception {
    write("app-a", "ignored");
    ChildrenCache cache = start(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> onExecutor(cache::initialized));
    write("app-b", "ignored");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(contents(cache))
        .containsExactly(Map.entry("app-a", ""), Map.entry("app-b", "")));
    int before = changes.get();
    write("app-a", "changed data"); // a data change means nothing to a cache of names
    write("app-c", "");
    await().atMost(Duration.ofSeconds(10)).until(() -> contents(cache).containsKey("app-c"));
    assertThat(changes.get()).isEqualTo(before + 1);
  }

  @Test
  void aReconnectReadsEverythingAgainAndPassesOnOnlyDifferences() throws Exception {
    write("one", "1");
    write("two", "2");
    ChildrenCache cache = start(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> onExecutor(cache::initialized));
    AtomicInteger reconnects = new AtomicInteger();
    client.getConnectionStateListenable().addListener((curator, state) -> {
      if (state == ConnectionState.RECONNECTED) {
        executor.execute(cache::resync); // as the registry does, before the watch is re-set
        reconnects.incrementAndGet();
      }
    });
    int before = changes.get();

    zookeeper.restart();
    await().atMost(Duration.ofSeconds(20)).until(() -> reconnects.get() > 0);
    await().atMost(Duration.ofSeconds(20)).until(() -> resynced.get() == 1);
    assertThat(onExecutor(cache::resyncing)).isFalse();
    assertThat(contents(cache)).containsExactly(Map.entry("one", "1"), Map.entry("two", "2"));
    assertThat(changes.get()).as("nothing differed, so nothing is announced").isEqualTo(before);

    // a node replaced by a new one of the same name and data is a difference: a new czxid
    long czxid = onExecutor(() -> cache.children().stream()
        .filter(child -> child.name().equals("one")).findFirst().orElseThrow().czxid());
    writer.delete().forPath(PARENT + "/one");
    write("one", "1");
    await().atMost(Duration.ofSeconds(10)).until(() -> onExecutor(() -> cache.children()
        .stream().anyMatch(child -> child.name().equals("one") && child.czxid() > czxid)));
    assertThat(changes.get()).isGreaterThan(before);
  }
}
