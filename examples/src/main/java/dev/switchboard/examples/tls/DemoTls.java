package dev.switchboard.examples.tls;

import dev.switchboard.rpc.ClientTls;
import dev.switchboard.rpc.ServerTls;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The demo certificates of the secure quick start, made on the spot with BouncyCastle (no other
 * tool needed): a CA, the Greeter providers' certificate ({@value #GREETER}) and the consumer's
 * ({@value #CONSUMER}), as PEM files in one directory; files already there are reused. For
 * demos only: the CA key sits beside the certificates.
 *
 * <pre>
 * java -cp examples/target/switchboard-examples.jar dev.switchboard.examples.tls.DemoTls DIR
 * </pre>
 *
 * <p>Not thread-safe.
 */
public final class DemoTls {
  /** The identity the Greeter providers present, and the consumer requires. */
  public static final String GREETER = "spiffe://switchboard.demo/greeter";
  /** The identity the consumer presents, and the providers allow. */
  public static final String CONSUMER = "spiffe://switchboard.demo/consumer";

  private final Path dir;

  private DemoTls(Path dir) {
    this.dir = dir;
  }

  /** Makes the files in {@code dir} unless they are there already. */
  public static DemoTls in(Path dir) throws IOException {
    Files.createDirectories(dir);
    DemoTls tls = new DemoTls(dir);
    if (!Files.exists(dir.resolve("consumer.key"))) {
      try {
        tls.generate();
      } catch (GeneralSecurityException | OperatorCreationException e) {
        throw new IOException("cannot make the demo certificates in " + dir, e);
      }
    }
    return tls;
  }

  /** Writes the demo files to the directory given, and says where. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: DemoTls DIR");
      throw new IllegalArgumentException("expected one argument, the directory");
    }
    DemoTls.in(Path.of(args[0]));
    System.out.println("Demo CA and certificates in " + args[0] + ": ca.pem, greeter.pem/.key ("
        + GREETER + "), consumer.pem/.key (" + CONSUMER + ")");
  }

  /** Returns the providers' settings: mutual TLS required, only the demo consumer allowed. */
  public ServerTls serverTls() {
    return ServerTls.builder().keyPair(dir.resolve("greeter.pem"), dir.resolve("greeter.key"))
        .clientTrust(dir.resolve("ca.pem"), ServerTls.ClientAuth.REQUIRE)
        .allowedClients(CONSUMER).build();
  }

  /** Returns the consumer's settings: its certificate, and {@code service} must be the Greeter. */
  public ClientTls clientTls(String service) {
    return ClientTls.builder().trust(dir.resolve("ca.pem"))
        .keyPair(dir.resolve("consumer.pem"), dir.resolve("consumer.key"))
        .serverIdentity(service, GREETER).build();
  }

  private void generate() throws GeneralSecurityException, OperatorCreationException,
      IOException {
    KeyPair ca = keys();
    X500Name caName = new X500Name("CN=Switchboard demo CA");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder caCert = new JcaX509v3CertificateBuilder(caName, serial(),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))),
        caName, ca.getPublic());
    caCert.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    caCert.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    write("ca.pem", new JcaX509CertificateConverter().getCertificate(caCert.build(
        new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate()))));
    leaf("greeter", GREETER, ca, caName, now);
    leaf("consumer", CONSUMER, ca, caName, now);
  }

  private void leaf(String name, String identity, KeyPair ca, X500Name caName, Instant now)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    KeyPair keys = keys();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caName, serial(),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(90))),
        new X500Name("CN=" + name), keys.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
        new GeneralName[] {new GeneralName(GeneralName.uniformResourceIdentifier, identity),
            new GeneralName(GeneralName.dNSName, "localhost")}));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    write(name + ".pem", new JcaX509CertificateConverter().getCertificate(builder.build(
        new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate()))));
    write(name + ".key", new JcaPKCS8Generator(keys.getPrivate(), null));
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom());
  }

  private void write(String name, Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(object);
    }
    Files.writeString(dir.resolve(name), text.toString());
  }
}
