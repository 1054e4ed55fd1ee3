package dev.switchboard.discovery.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.TestGreeter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingZooKeeperServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry on a three-server ensemble (Curator's {@code TestingCluster}): losing the leader
 * (S3), then the quorum (S4), under load.
 */
@Timeout(180)
class ZkEnsembleTest {
  private final Closer closer = new Closer();
  private TestingCluster cluster;
  private String registry;

  @BeforeEach
  void setUp() throws Exception {
    cluster = track(new TestingCluster(3));
    cluster.start();
    registry = "zk://" + cluster.getConnectString() + "/ensemble?sessionTimeout=PT15S";
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  private InstanceSpec leader() {
    for (TestingZooKeeperServer server : cluster.getServers()) {
      InstanceSpec spec = server.getInstanceSpec();
      if (FourLetterWords.ask("127.0.0.1", spec.getPort(), "srvr").contains("Mode: leader")) {
        return spec;
      }
    }
    return null;
  }

  private static void awaitMoreCalls(LoadedConsumer consumer, int more) {
    int before = consumer.succeeded();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.succeeded() >= before + more);
  }

  @Test
  void leaderLossThenQuorumLossUnderLoadFailsNoCallAndChangesNoRegistration() throws Exception {
    TestGreeter[] greeters = {new TestGreeter("a"), new TestGreeter("b"), new TestGreeter("c")};
    for (TestGreeter greeter : greeters) {
      track(Providers.start(registry, greeter, 100));
    }
    LoadedConsumer consumer = track(new LoadedConsumer(registry, true));
    dev.switchboard.rpc.testing.Greeters.awaitAllServing(consumer.greeter(), greeters);
    consumer.start();
    SnapshotRecorder registryView = new SnapshotRecorder();
    track(ZkRegistry.open(ZkRegistryConfig.fromUri(URI.create(registry))))
        .watch("helloworld.Greeter", registryView);
    await().atMost(Duration.ofSeconds(10)).until(() -> registryView.latest() != null
        && registryView.latest().size() == 3);
    int viewsBefore = registryView.snapshots.size();
    CuratorFramework admin = track(CuratorFrameworkFactory.builder()
        .connectString(cluster.getConnectString()).namespace("ensemble")
        .retryPolicy(new RetryOneTime(100)).build());
    admin.start();
    List<Long> owners = owners(admin);
    awaitMoreCalls(consumer, 200);

    InstanceSpec leader = await().atMost(Duration.ofSeconds(30)).until(this::leader,
        spec -> spec != null);
    cluster.killServer(leader);
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      InstanceSpec next = leader();
      return next != null && next.getPort() != leader.getPort();
    });
    awaitMoreCalls(consumer, 200);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .untilAsserted(() -> assertThat(owners(admin)).isEqualTo(owners));

    InstanceSpec second = cluster.getInstances().stream()
        .filter(spec -> spec.getPort() != leader.getPort()).findFirst().orElseThrow();
    cluster.killServer(second); // one of three left: no quorum, no reads, no writes
    awaitMoreCalls(consumer, 200);
    cluster.restartServer(second);
    cluster.restartServer(leader);
    // The admin client itself reconnects to the restored quorum: its ConnectionLoss is retried.
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> owners(admin).equals(owners));
    awaitMoreCalls(consumer, 200);

    consumer.stop("S3+S4 ensemble: leader killed, then quorum lost and restored",
        (registryView.snapshots.size() - viewsBefore) + " registry updates seen by consumers;"
            + " sessions and nodes unchanged");
    assertThat(consumer.failures()).isEmpty();
    assertThat(registryView.snapshots.size()).isEqualTo(viewsBefore);
  }

  /** Returns the sessions owning the provider nodes, in node order. */
  private static List<Long> owners(CuratorFramework admin) throws Exception {
    String parent = "/v1/apps/test-app/instances";
    return admin.getChildren().forPath(parent).stream().sorted().map(node -> {
      try {
        Stat stat = admin.checkExists().forPath(parent + "/" + node);
        return stat == null ? 0L : stat.getEphemeralOwner();
      } catch (Exception e) {
        return -1L;
      }
    }).toList();
  }
}
