package dev.switchboard.discovery.zk;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.ClientTls;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.RpcServer;
import dev.switchboard.rpc.ServerTls;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.TestCertificates;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS between providers and consumers that find each other in a real (embedded)
 * ZooKeeper: through {@code RpcClient}, and through a plain grpc-java channel on a {@code zk://}
 * target with grpc's own TLS credentials.
 */
@Timeout(60)
class ZkTlsCallsTest {
  private static final String GREETER = "spiffe://acme.test/greeter";

  @TempDir
  Path dir;

  private final Closer closer = new Closer();
  private String registry;
  private TestCertificates acme;
  private TestGreeter greeter;

  @BeforeEach
  void setUp() throws Exception {
    TestingServer zookeeper = closer.register(new TestingServer(true));
    registry = "zk://" + zookeeper.getConnectString() + "/tls";
    acme = TestCertificates.newCa(dir, "acme");
    TestCertificates.Leaf server = acme.issue("greeter", GREETER, "greeter.acme.test");
    greeter = new TestGreeter("secure");
    closer.register(RpcServer.builder().application("secure-greeter").registry(registry)
        .bindAddress("127.0.0.1").drainPeriod(Duration.ZERO).shutdownHook(false)
        .tls(ServerTls.builder().keyPair(server.certificate(), server.privateKey())
            .clientTrust(acme.caFile(), ServerTls.ClientAuth.REQUIRE).build())
        .addService(greeter).build().start());
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @Test
  void anRpcClientCallsOverMutualTlsWithTheServiceIdentityChecked() {
    TestCertificates.Leaf client = acme.issue("checkout", "spiffe://acme.test/checkout");
    RpcClient rpc = closer.register(RpcClient.builder().registry(registry)
        .shutdownGrace(Duration.ofMillis(200))
        .tls(ClientTls.builder().trust(acme.caFile())
            .keyPair(client.certificate(), client.privateKey())
            .serverIdentity("helloworld.Greeter", GREETER).build())
        .build());
    GreeterGrpc.GreeterBlockingStub stub = rpc.stub(GreeterGrpc::newBlockingStub);

    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() ->
        stub.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(WORLD).getServedBy()
            .equals("secure"));
    assertThat(greeter.calls()).isPositive();
  }

  @Test
  void aPlainGrpcChannelOnAZkTargetCallsOverTls() throws Exception {
    TestCertificates.Leaf client = acme.issue("plain-client", "spiffe://acme.test/plain");
    ManagedChannel channel = Grpc.newChannelBuilder(registry + "/helloworld.Greeter",
            TlsChannelCredentials.newBuilder().trustManager(acme.caFile().toFile())
                .keyManager(client.certificate().toFile(), client.privateKey().toFile())
                .build())
        .overrideAuthority("greeter.acme.test") // gRPC's own host-name check: a DNS SAN
        .defaultLoadBalancingPolicy("round_robin")
        .build();
    try {
      GreeterGrpc.GreeterBlockingStub stub = GreeterGrpc.newBlockingStub(channel);
      await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() ->
          stub.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(WORLD).getServedBy()
              .equals("secure"));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
