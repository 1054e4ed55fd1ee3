package dev.switchboard.discovery.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Greeters;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.TestGreeter;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Against a real standalone ZooKeeper server in its own process: the one {@code .ci/run} starts
 * (its address in the {@code SWITCHBOARD_ZK_CONNECT} environment variable), or else one this
 * test starts from the ZooKeeper jars.
 */
@Timeout(120)
class RealZooKeeperTest {
  private final Closer closer = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  private static String external() {
    String external = System.getenv("SWITCHBOARD_ZK_CONNECT");
    return external == null || external.isBlank() ? null : external.trim();
  }

  private String connectString() throws Exception {
    return external() != null ? external() : track(ZooKeeperProcess.start()).connectString();
  }

  @Test
  void registerDiscoverCallAndLeave() throws Exception {
    String registry = "zk://" + connectString() + "/real-" + UUID.randomUUID();
    TestGreeter first = new TestGreeter("first");
    TestGreeter second = new TestGreeter("second");
    RpcServer leaving = Providers.start(registry, first, 100);
    track(Providers.start(registry, second, 100));
    LoadedConsumer consumer = track(new LoadedConsumer(registry, false));
    Greeters.awaitAllServing(consumer.greeter(), first, second);
    consumer.start();
    int before = consumer.succeeded();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.succeeded() > before + 200);

    leaving.close();
    int servedAfterClose = first.calls();
    int afterClose = consumer.succeeded();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.succeeded() > afterClose + 200);

    consumer.stop("real ZooKeeper server: graceful leave", external() != null
        ? "the server .ci/run started at " + external() : "a server this test started");
    assertThat(consumer.failures()).isEmpty();
    assertThat(first.calls()).isEqualTo(servedAfterClose);
  }

  /** S15: the ZooKeeper process hangs (SIGSTOP) with its sockets open, then resumes. */
  @Test
  void hungZooKeeperProcess() throws Exception {
    ZooKeeperProcess zookeeper = track(ZooKeeperProcess.start());
    String registry = "zk://" + zookeeper.connectString() + "/hung?sessionTimeout=PT4S";
    TestGreeter[] greeters = {new TestGreeter("a"), new TestGreeter("b")};
    for (TestGreeter greeter : greeters) {
      track(Providers.start(registry, greeter, 100));
    }
    LoadedConsumer consumer = track(new LoadedConsumer(registry, true));
    Greeters.awaitAllServing(consumer.greeter(), greeters);
    consumer.start();
    SnapshotRecorder registryView = new SnapshotRecorder();
    track(ZkRegistry.open(ZkRegistryConfig.fromUri(URI.create(registry))))
        .watch("helloworld.Greeter", registryView);
    await().atMost(Duration.ofSeconds(10)).until(() -> registryView.latest() != null
        && registryView.latest().size() == 2);
    int before = consumer.succeeded();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.succeeded() > before + 200);

    zookeeper.suspend();
    int frozen = consumer.succeeded();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.succeeded() > frozen + 500);
    zookeeper.resume();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        FourLetterWords.ask("127.0.0.1", Integer.parseInt(zookeeper.connectString()
            .substring(zookeeper.connectString().indexOf(':') + 1)), "ruok").equals("imok"));
    int resumed = consumer.succeeded();
    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.succeeded() > resumed + 200);
    await().atMost(Duration.ofSeconds(30)).until(() -> registryView.latest().size() == 2);

    consumer.stop("S15 ZooKeeper process hung (SIGSTOP) and resumed", "calls flowed while it"
        + " was frozen; registrations intact after SIGCONT");
    assertThat(consumer.failures()).isEmpty();
    assertThat(registryView.snapshots).allSatisfy(view -> assertThat(view).isNotEmpty());
  }
}
