package dev.switchboard.rpc;

import static dev.switchboard.rpc.testing.Greeters.WORLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.proto.helloworld.GreeterGrpc;
import dev.switchboard.rpc.testing.Closer;
import dev.switchboard.rpc.testing.TestCertificates;
import dev.switchboard.rpc.testing.TestGreeter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS between real servers and clients on loopback, with certificates made for the
 * test: the identity each service must present comes from the client's configuration, never from
 * the registry.
 */
@Timeout(60)
class TlsEndToEndTest {
  private static final AtomicInteger names = new AtomicInteger();
  private static final String SERVICE = "helloworld.Greeter";
  private static final String GREETER = "spiffe://acme.test/greeter";
  private static final String CHECKOUT = "spiffe://acme.test/checkout";

  @TempDir
  Path dir;

  private final Closer closer = new Closer();
  private String registry;
  private TestCertificates acme;
  private TestCertificates.Leaf greeterCert;

  @BeforeEach
  void setUp() {
    registry = "memory://tls-" + names.incrementAndGet();
    acme = TestCertificates.newCa(dir, "acme");
    greeterCert = acme.issue("greeter", GREETER, "greeter.acme.test");
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  private TestGreeter serve(String name, ServerTls tls) {
    return serve(name, "tls-test", tls);
  }

  private TestGreeter serve(String name, String application, ServerTls tls) {
    TestGreeter greeter = new TestGreeter(name);
    RpcServer.Builder builder = RpcServer.builder().application(application).registry(registry)
        .bindAddress("127.0.0.1").drainPeriod(Duration.ZERO).shutdownGrace(Duration.ofSeconds(1))
        .shutdownHook(false).addService(greeter);
    if (tls != null) {
      builder.tls(tls);
    }
    closer.register(builder.build().start());
    return greeter;
  }

  private ServerTls serverTls(TestCertificates.Leaf leaf) {
    return ServerTls.builder().keyPair(leaf.certificate(), leaf.privateKey()).build();
  }

  private ClientTls.Builder clientTls() {
    return ClientTls.builder().trust(acme.caFile()).serverIdentity(SERVICE, GREETER);
  }

  private GreeterGrpc.GreeterBlockingStub greeter(ClientTls tls) {
    RpcClient.Builder builder = RpcClient.builder().registry(registry)
        .defaultBalancer("round_robin").shutdownGrace(Duration.ofMillis(200));
    if (tls != null) {
      builder.tls(tls);
    }
    RpcClient client = closer.register(builder.build());
    return client.stub(GreeterGrpc::newBlockingStub);
  }

  private static String call(GreeterGrpc.GreeterBlockingStub stub) {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(WORLD).getServedBy();
  }

  private static void assertRefused(GreeterGrpc.GreeterBlockingStub stub, Status.Code code) {
    assertThatThrownBy(() -> call(stub)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }

  @Test
  void aTlsCallToTheExpectedIdentitySucceeds() {
    serve("genuine", serverTls(greeterCert));

    assertThat(call(greeter(clientTls().build()))).isEqualTo("genuine");
  }

  @Test
  void aServerOfAnotherCaIsRefused() {
    TestCertificates evil = TestCertificates.newCa(dir, "evil");
    serve("evil", serverTls(evil.issue("evil-greeter", GREETER)));

    assertRefused(greeter(clientTls().build()), Status.Code.UNAVAILABLE);
  }

  @Test
  void anImpostorWithAnotherIdentityIsRefusedAndNeverPicked() {
    TestGreeter impostor = serve("impostor",
        serverTls(acme.issue("impostor", "spiffe://acme.test/impostor")));
    GreeterGrpc.GreeterBlockingStub stub = greeter(clientTls().build());
    assertRefused(stub, Status.Code.UNAVAILABLE);

    serve("genuine", serverTls(greeterCert)); // the same registry now lists both
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(
        () -> call(stub).equals("genuine"));
    for (int i = 0; i < 20; i++) {
      assertThat(call(stub)).isEqualTo("genuine");
    }
    assertThat(impostor.calls()).isZero();
  }

  @Test
  void anExpiredServerCertificateIsRefused() {
    Instant now = Instant.now();
    serve("expired", serverTls(acme.issue("expired", now.minus(Duration.ofDays(2)),
        now.minus(Duration.ofDays(1)), GREETER)));

    assertRefused(greeter(clientTls().build()), Status.Code.UNAVAILABLE);
  }

  @Test
  void aPlaintextClientOfATlsServerFailsNamingTheInstanceAndTheReason() {
    serve("genuine", serverTls(greeterCert));

    assertThatThrownBy(() -> call(greeter(null)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).contains("127.0.0.1:")
              .contains("serves TLS and this channel is plaintext");
        });
  }

  @Test
  void aTlsClientOfAPlaintextServerFailsNamingTheInstanceAndTheReason() {
    serve("plain", null);

    assertThatThrownBy(() -> call(greeter(clientTls().build())))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription())
              .contains("serves plaintext and this channel speaks TLS");
        });
  }

  @Test
  void aServerThatRequiresClientCertificatesRefusesAClientWithout() {
    TestCertificates.Leaf checkout = acme.issue("checkout", CHECKOUT);
    serve("genuine", ServerTls.builder().keyPair(greeterCert.certificate(),
        greeterCert.privateKey()).clientTrust(acme.caFile(), ServerTls.ClientAuth.REQUIRE)
        .build());

    assertRefused(greeter(clientTls().build()), Status.Code.UNAVAILABLE);
    assertThat(call(greeter(clientTls().keyPair(checkout.certificate(), checkout.privateKey())
        .build()))).isEqualTo("genuine");
  }

  @Test
  void aClientIdentityOffTheAllowListIsDenied() {
    TestCertificates.Leaf checkout = acme.issue("checkout", CHECKOUT);
    TestCertificates.Leaf intruder = acme.issue("intruder", "spiffe://acme.test/intruder");
    serve("genuine", ServerTls.builder().keyPair(greeterCert.certificate(),
        greeterCert.privateKey()).clientTrust(acme.caFile(), ServerTls.ClientAuth.REQUIRE)
        .allowedClients(CHECKOUT).build());

    GreeterGrpc.GreeterBlockingStub denied = greeter(clientTls()
        .keyPair(intruder.certificate(), intruder.privateKey()).build());
    assertThatThrownBy(() -> call(denied)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("spiffe://acme.test/intruder");
        });
    assertThat(call(greeter(clientTls().keyPair(checkout.certificate(), checkout.privateKey())
        .build()))).isEqualTo("genuine");
  }

  @Test
  void aRotatedServerCertificateIsServedWithoutARestartAndNoCallUnderLoadFails()
      throws Exception {
    serve("genuine", ServerTls.builder().keyPair(greeterCert.certificate(),
        greeterCert.privateKey()).refresh(Duration.ofSeconds(1)).build());
    GreeterGrpc.GreeterBlockingStub existing = greeter(clientTls().build());
    assertThat(call(existing)).isEqualTo("genuine");
    String rotated = "spiffe://acme.test/greeter-v2";
    assertRefused(greeter(ClientTls.builder().trust(acme.caFile())
        .serverIdentity(SERVICE, rotated).build()), Status.Code.UNAVAILABLE);

    // Calls keep flowing on the open connection while the files are replaced.
    dev.switchboard.rpc.testing.CallLoop load =
        dev.switchboard.rpc.testing.CallLoop.start(() -> call(existing));
    TestCertificates.Leaf next = acme.issue("greeter-v2", rotated);
    Files.move(next.privateKey(), greeterCert.privateKey(), StandardCopyOption.REPLACE_EXISTING);
    Files.move(next.certificate(), greeterCert.certificate(),
        StandardCopyOption.REPLACE_EXISTING);

    // New handshakes present the new certificate once the server re-read its files...
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> call(greeter(
        ClientTls.builder().trust(acme.caFile()).serverIdentity(SERVICE, rotated).build()))
        .equals("genuine"));
    // ...and the connection opened before the rotation carried every call, none failed.
    int before = load.succeeded();
    await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded() > before + 100);
    load.close();
    assertThat(load.failures()).isEmpty();
  }

  @Test
  void anApplicationsIdentityIsRequiredOfItsInstancesWhenTheServiceHasNone() {
    serve("genuine", "greeter-app", serverTls(greeterCert));
    TestGreeter impostor = serve("impostor", "greeter-app",
        serverTls(acme.issue("impostor", "spiffe://acme.test/impostor")));
    TestGreeter unknown = serve("unknown", "unknown-app",
        serverTls(acme.issue("unknown", "spiffe://acme.test/unknown")));
    GreeterGrpc.GreeterBlockingStub stub = greeter(ClientTls.builder().trust(acme.caFile())
        .applicationIdentity("greeter-app", GREETER).build());

    for (int i = 0; i < 20; i++) {
      assertThat(call(stub)).isEqualTo("genuine");
    }
    assertThat(impostor.calls()).isZero();
    assertThat(unknown.calls()).isZero();
  }

  @Test
  void aServiceIdentityOverridesTheApplicationsSoAnotherApplicationsCertificateIsRefused() {
    TestCertificates.Leaf checkout = acme.issue("checkout", CHECKOUT);
    // A registry writer lists the checkout application, whose certificate it holds, as a
    // provider of the greeter service.
    serve("checkout-posing", "checkout-app", serverTls(checkout));
    ClientTls.Builder byApplication = ClientTls.builder().trust(acme.caFile())
        .applicationIdentity("greeter-app", GREETER).applicationIdentity("checkout-app", CHECKOUT);

    assertThat(call(greeter(byApplication.build()))).isEqualTo("checkout-posing");
    assertRefused(greeter(byApplication.serverIdentity(SERVICE, GREETER).build()),
        Status.Code.UNAVAILABLE);
  }

  @Test
  void aRotatedClientCertificateIsPresentedOnNewHandshakesAndNoCallUnderLoadFails()
      throws Exception {
    // The client moves to a certificate of a new CA: the old server trusts both CAs, a new
    // server only the new one, so it can only be reached with the rotated certificate.
    TestCertificates nextCa = TestCertificates.newCa(dir, "acme-next");
    Path bothCas = dir.resolve("both-cas.pem");
    Files.write(bothCas, (Files.readString(acme.caFile()) + Files.readString(nextCa.caFile()))
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    serve("old", ServerTls.builder().keyPair(greeterCert.certificate(), greeterCert.privateKey())
        .clientTrust(bothCas, ServerTls.ClientAuth.REQUIRE).build());
    TestCertificates.Leaf checkout = acme.issue("checkout", CHECKOUT);
    GreeterGrpc.GreeterBlockingStub stub = greeter(clientTls()
        .keyPair(checkout.certificate(), checkout.privateKey()).refresh(Duration.ofSeconds(1))
        .build());
    assertThat(call(stub)).isEqualTo("old");
    dev.switchboard.rpc.testing.CallLoop load =
        dev.switchboard.rpc.testing.CallLoop.start(() -> call(stub));

    TestCertificates.Leaf next = nextCa.issue("checkout-next", CHECKOUT);
    Files.move(next.privateKey(), checkout.privateKey(), StandardCopyOption.REPLACE_EXISTING);
    Files.move(next.certificate(), checkout.certificate(), StandardCopyOption.REPLACE_EXISTING);
    TestGreeter fresh = serve("new", ServerTls.builder().keyPair(greeterCert.certificate(),
        greeterCert.privateKey()).clientTrust(nextCa.caFile(), ServerTls.ClientAuth.REQUIRE)
        .build());

    // Until the client re-reads its files its handshakes with the new server fail and the
    // balancer keeps to the old one; then the new server takes its share.
    await().atMost(Duration.ofSeconds(30)).until(() -> fresh.calls() > 10);
    int before = load.succeeded();
    await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded() > before + 100);
    load.close();
    assertThat(load.failures()).isEmpty();
  }

  @Test
  void tlsSettingsAreCheckedWhenSet() {
    assertThatThrownBy(() -> ClientTls.builder().trust(dir.resolve("missing.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.pem does not exist");
    assertThatThrownBy(() -> ServerTls.builder().keyPair(greeterCert.certificate(),
        greeterCert.privateKey()).allowedClients(CHECKOUT).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("need clientTrust(ca, ClientAuth.REQUIRE)");
    assertThatThrownBy(() -> ClientTls.builder().build())
        .hasMessageContaining("needs trust(caPem)");
    assertThat(serverTls(greeterCert).toString()).contains("greeter.pem")
        .doesNotContain("PRIVATE KEY");
  }

  @Test
  void aReferenceCanCallOverTlsFromAPlaintextClient() {
    serve("genuine", serverTls(greeterCert));
    RpcClient plaintext = closer.register(RpcClient.builder().registry(registry)
        .defaultBalancer("round_robin").shutdownGrace(Duration.ofMillis(200)).build());

    GreeterGrpc.GreeterBlockingStub secure = plaintext.stub(GreeterGrpc::newBlockingStub,
        ReferenceConfig.builder().tls(clientTls().build()).build());

    assertThat(call(secure)).isEqualTo("genuine");
    assertRefused(plaintext.stub(GreeterGrpc::newBlockingStub), Status.Code.UNAVAILABLE);
  }

  @Test
  void aServiceWithoutAConfiguredIdentityIsRefusedUnlessAnyIdentityIsAccepted() {
    serve("genuine", serverTls(greeterCert));
    RpcClient client = closer.register(RpcClient.builder().registry(registry)
        .defaultBalancer("round_robin").shutdownGrace(Duration.ofMillis(200))
        .tls(ClientTls.builder().trust(acme.caFile()).build()).build());

    assertThatThrownBy(() -> client.stub(GreeterGrpc::newBlockingStub))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no server identity is configured for it");
    assertThat(call(greeter(ClientTls.builder().trust(acme.caFile()).acceptAnyIdentity()
        .build()))).isEqualTo("genuine");
  }

  @Test
  void aKeyThatDoesNotMatchItsCertificateIsNeverLoaded() throws Exception {
    TestCertificates.Leaf other = acme.issue("other", GREETER);
    java.security.cert.X509Certificate certificate;
    try (var in = Files.newInputStream(greeterCert.certificate())) {
      certificate = io.grpc.util.CertificateUtils.getX509Certificates(in)[0];
    }
    java.security.PrivateKey wrongKey;
    try (var in = Files.newInputStream(other.privateKey())) {
      wrongKey = io.grpc.util.CertificateUtils.getPrivateKey(in);
    }

    assertThatThrownBy(() -> dev.switchboard.rpc.internal.TlsMaterial.checkPair(certificate,
        wrongKey)).hasMessageContaining("does not belong to the certificate");
    assertThatThrownBy(() -> RpcServer.builder().bindAddress("127.0.0.1").shutdownHook(false)
        .tls(ServerTls.builder().keyPair(greeterCert.certificate(), other.privateKey()).build())
        .addService(new TestGreeter("mismatched")).build().start())
        .hasMessageContaining("does not belong to the certificate");
  }

  @Test
  void credentialsThatFailToLoadLeaveNoWatchBehind() {
    TestCertificates.Leaf other = acme.issue("other", GREETER);
    try (dev.switchboard.rpc.internal.TlsMaterial material =
        new dev.switchboard.rpc.internal.TlsMaterial()) {
      ClientTls mismatched = clientTls()
          .keyPair(greeterCert.certificate(), other.privateKey()).build();

      assertThatThrownBy(() -> material.channel(mismatched, SERVICE))
          .hasMessageContaining("does not belong to the certificate");
      assertThat(material.watches()).isZero();

      material.channel(clientTls().build(), SERVICE);
      assertThat(material.watches()).isEqualTo(1); // the trusted CA
    }
  }
}
