package dev.switchboard.discovery.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Greeters;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A provider whose ZooKeeper is down at start serves anyway and registers once it is up. */
@Timeout(60)
class ProviderWithoutZooKeeperTest {
  private final Closer closer = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @Test
  void servesAtOnceAndRegistersWhenZooKeeperAppears() throws Exception {
    int zkPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      zkPort = socket.getLocalPort();
    }
    String connect = "127.0.0.1:" + zkPort;
    RpcServer server = closer.register(RpcServer.builder()
        .application("lonely")
        .registry("zk://" + connect + "/down?connectionTimeout=PT1S")
        .bindAddress("127.0.0.1")
        .registrationTimeout(Duration.ofMillis(300))
        .drainPeriod(Duration.ZERO)
        .shutdownHook(false)
        .addService(new TestGreeter("lonely"))
        .build()
        .start());

    ManagedChannel direct = ManagedChannelBuilder.forAddress("127.0.0.1", server.port())
        .usePlaintext().build();
    closer.register(direct::shutdownNow);
    assertThat(GreeterGrpc.newBlockingStub(direct).withDeadlineAfter(5, TimeUnit.SECONDS)
        .sayHello(Greeters.WORLD).getServedBy()).isEqualTo("lonely");

    TestingServer zookeeper = closer.register(new TestingServer(zkPort, true));
    CuratorFramework admin = closer.register(CuratorFrameworkFactory.newClient(
        zookeeper.getConnectString(), new RetryOneTime(100)));
    admin.start();
    String node = "/down/v1/apps/lonely/instances/" + server.instance().instanceId();
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.checkExists().forPath(node) != null);

    server.close();
    assertThat(admin.checkExists().forPath(node)).isNull();
  }
}
