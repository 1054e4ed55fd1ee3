package dev.switchboard.discovery.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Greeters;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.Status;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to ZooKeeper: a real server (its own JVM) with a TLS port and a
 * certificate made for the test by {@code keytool}; providers and consumers configured with the
 * trust store register, discover and call; a plaintext client gets nowhere.
 */
@Timeout(120)
class ZkTlsTest {
  private static final String PASSWORD = "changeit";

  private final Closer closer = new Closer();

  @TempDir
  Path directory;

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private <T extends AutoCloseable> T track(T resource) {
    return closer.register(resource);
  }

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }

  @Test
  void registryWorksOverTlsAndPlaintextIsRefused() throws Exception {
    Path keyStore = directory.resolve("server.p12");
    Path certificate = directory.resolve("server.pem");
    Path trustStore = directory.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "zookeeper", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "zookeeper", "-keystore", keyStore.toString(),
        "-storepass", PASSWORD, "-file", certificate.toString());
    keytool("-importcert", "-noprompt", "-alias", "zookeeper", "-file", certificate.toString(),
        "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    int securePort = ZooKeeperProcess.freePort();
    track(ZooKeeperProcess.start(String.join("\n",
        "secureClientPort=" + securePort,
        "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
        "ssl.keyStore.location=" + keyStore,
        "ssl.keyStore.password=" + PASSWORD,
        "ssl.trustStore.location=" + trustStore,
        "ssl.trustStore.password=" + PASSWORD,
        "ssl.clientAuth=none",
        "")));
    String registry = "zk://127.0.0.1:" + securePort + "/tls?trustStore=" + trustStore
        + "&trustStorePassword=" + PASSWORD + "&snapshotDir=none";

    TestGreeter greeter = new TestGreeter("over-tls");
    track(Providers.start(registry, greeter, 100));
    LoadedConsumer consumer = track(new LoadedConsumer(registry, false));
    Greeters.awaitAllServing(consumer.greeter(), greeter);

    SnapshotRecorder plaintext = new SnapshotRecorder();
    Registry plain = track(ZkRegistry.open(ZkRegistryConfig.fromUri(URI.create(
        "zk://127.0.0.1:" + securePort + "/tls?connectionTimeout=PT1S&snapshotDir=none"))));
    plain.watch("helloworld.Greeter", plaintext);
    await().atMost(Duration.ofSeconds(20)).until(() -> !plaintext.errors.isEmpty());
    assertThat(plaintext.errors.get(0).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(plaintext.latest()).isNull();
  }
}
