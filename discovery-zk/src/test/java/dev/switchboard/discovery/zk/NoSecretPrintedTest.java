package dev.switchboard.discovery.zk;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.RpcClient;
import dev.switchboard.rpc.registry.RegistryProviders;
import dev.switchboard.rpc.registry.RegistryUris;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.Greeters;
import dev.switchboard.rpc.testing.Providers;
import dev.switchboard.rpc.testing.TestGreeter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No password reaches a log line or an exception message: a provider and a consumer on a
 * registry URI with digest credentials, every bad URI form rejected, and everything they printed
 * (SLF4J's output on standard error, java.util.logging, which gRPC uses) searched for the secrets.
 */
@Timeout(60)
class NoSecretPrintedTest {
  private static final String PASSWORD = "s3cret-digest-pw";
  private static final String STORE_PASSWORD = "hunter2-store-pw";

  private final Closer closer = new Closer();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final List<String> julRecords = new CopyOnWriteArrayList<>();
  private final Handler jul = new Handler() {
    @Override
    public void publish(LogRecord record) {
      julRecords.add(record.getLoggerName() + " " + record.getMessage() + " "
          + java.util.Arrays.toString(record.getParameters())
          + (record.getThrown() == null ? "" : " " + record.getThrown()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private PrintStream originalErr;
  private TestingServer zookeeper;

  @BeforeEach
  void setUp() throws Exception {
    originalErr = System.err;
    System.setErr(new PrintStream(new Tee(originalErr, printed), true, StandardCharsets.UTF_8));
    Logger.getLogger("").addHandler(jul);
    Logger.getLogger("io.grpc").setLevel(Level.ALL);
    zookeeper = closer.register(new TestingServer(true));
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
    Logger.getLogger("").removeHandler(jul);
    Logger.getLogger("io.grpc").setLevel(null);
    System.setErr(originalErr);
  }

  @Test
  void aRunWithCredentialsAndEveryBadUriPrintNoSecret() {
    String registry = "zk://provider:" + PASSWORD + "@" + zookeeper.getConnectString()
        + "/secrets?sessionTimeout=PT10S";
    TestGreeter greeter = new TestGreeter("g");
    closer.register(Providers.start(registry, greeter, 100));
    RpcClient client = closer.register(RpcClient.builder().registry(registry)
        .shutdownGrace(Duration.ofMillis(200)).build());
    GreeterGrpc.GreeterBlockingStub stub = client.stub(GreeterGrpc::newBlockingStub);
    Greeters.awaitAllServing(stub, greeter);
    stub.sayHello(WORLD);

    List<String> messages = new ArrayList<>();
    String zk = zookeeper.getConnectString();
    for (String bad : List.of(
        "zk://provider:" + PASSWORD + "@" + zk + "/r?trustStorePasswd=" + STORE_PASSWORD,
        "zk://provider:" + PASSWORD + "@" + zk + "/r?keyStore=/nowhere.p12&keyStorePassword="
            + STORE_PASSWORD,
        "zk://provider:" + PASSWORD + "@" + zk + "/r?sessionTimeout=soon",
        "zk://provider:" + PASSWORD + "@" + zk + "/r?trustStore=/no/such.p12&trustStorePassword="
            + STORE_PASSWORD,
        "zk://provider:" + PASSWORD + "@/r",
        "zq://provider:" + PASSWORD + "@" + zk + "/r",
        "zk://provider:" + PASSWORD + "@" + zk + "/r?x=" + STORE_PASSWORD + " with spaces")) {
      Throwable error = catchThrowable(() -> RegistryProviders.loadDefault().open(bad).close());
      assertThat(error).as(RegistryUris.redact(bad)).isNotNull();
      for (Throwable t = error; t != null; t = t.getCause()) {
        messages.add(String.valueOf(t.getMessage()));
      }
    }

    // ZooKeeper goes away: the registry warns, naming itself.
    stopZooKeeper();
    await().atMost(Duration.ofSeconds(20)).until(
        () -> printed.toString(StandardCharsets.UTF_8).contains("ZooKeeper connection"));

    String everything = printed.toString(StandardCharsets.UTF_8) + String.join("\n", julRecords)
        + String.join("\n", messages);
    assertThat(everything).as("the registry's warning names it").contains("zk://provider:***@");
    assertThat(messages).hasSizeGreaterThanOrEqualTo(7);
    assertThat(everything).doesNotContain(PASSWORD).doesNotContain(STORE_PASSWORD);
  }

  @Test
  void redactionHidesUserInformationAndEveryParameterValue() {
    assertThat(RegistryUris.redact("zk://u:" + PASSWORD + "@h1:2181,h2:2181/root?a=1&b&c="
        + STORE_PASSWORD + "#frag"))
        .isEqualTo("zk://***@h1:2181,h2:2181/root?a=***&***&c=***#***");
    assertThat(RegistryUris.redact("memory://name")).isEqualTo("memory://name");
    // Passwords with unencoded '/', '?' or '#' stay hidden too.
    for (String password : new String[] {"pa/ss", "pa?ss", "pa#ss", "p@ss/w?rd#x"}) {
      String redacted = RegistryUris.redact("zk://alice:" + password + "@zk1:2181/root?x=1");
      assertThat(redacted).as(password).isEqualTo("zk://***@zk1:2181/root?x=***");
    }
    assertThat(RegistryUris.redact("not a uri ?" + PASSWORD + "=x")).doesNotContain("=x");
  }

  private void stopZooKeeper() {
    try {
      zookeeper.stop();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Writes to two streams. */
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
