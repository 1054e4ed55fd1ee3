package dev.switchboard.rpc.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made for a test: a CA, and leaf certificates it issues with the identities a test
 * needs (SAN URIs such as {@code spiffe://acme.test/greeter}, DNS names), written as PEM files
 * (PKCS#8 keys) into a directory. EC P-256, SHA-256. Not thread-safe.
 */
public final class TestCertificates {
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private final Path directory;
  private final String name;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  private TestCertificates(Path directory, String name, KeyPair caKeys, X509Certificate ca) {
    this.directory = directory;
    this.name = name;
    this.caKeys = caKeys;
    this.ca = ca;
  }

  /** Creates a CA called {@code name} and writes its certificate to {@code name-ca.pem}. */
  public static TestCertificates newCa(Path directory, String name) {
    try {
      KeyPair keys = keys();
      X500Name subject = new X500Name("CN=" + name + " test CA");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
          serial(), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate ca = sign(builder.build(signer(keys)));
      TestCertificates certificates = new TestCertificates(directory, name, keys, ca);
      certificates.write(name + "-ca.pem", ca);
      return certificates;
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a test CA", e);
    }
  }

  /** Returns the CA certificate's PEM file. */
  public Path caFile() {
    return directory.resolve(name + "-ca.pem");
  }

  /** A leaf certificate's files. */
  public record Leaf(Path certificate, Path privateKey) {}

  /** Issues a certificate valid now for {@code identities} (URIs with "://", else DNS names). */
  public Leaf issue(String fileName, String... identities) {
    Instant now = Instant.now();
    return issue(fileName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)),
        identities);
  }

  /** Issues a certificate valid from {@code notBefore} to {@code notAfter}. */
  public Leaf issue(String fileName, Instant notBefore, Instant notAfter, String... identities) {
    try {
      KeyPair keys = keys();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          new X500Name("CN=" + name + " test CA"), serial(), Date.from(notBefore),
          Date.from(notAfter), new X500Name("CN=" + fileName), keys.getPublic());
      List<GeneralName> names = new ArrayList<>();
      for (String identity : identities) {
        names.add(identity.contains("://")
            ? new GeneralName(GeneralName.uniformResourceIdentifier, identity)
            : new GeneralName(GeneralName.dNSName, identity));
      }
      builder.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(names.toArray(new GeneralName[0])));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      X509Certificate certificate = sign(builder.build(signer(caKeys)));
      Path certificateFile = write(fileName + ".pem", certificate);
      Path keyFile = write(fileName + ".key", new JcaPKCS8Generator(keys.getPrivate(), null));
      return new Leaf(certificateFile, keyFile);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a test certificate", e);
    }
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIALS.incrementAndGet());
  }

  private static ContentSigner signer(KeyPair keys) throws OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
  }

  private static X509Certificate sign(X509CertificateHolder holder)
      throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  /** Writes {@code object} as PEM to {@code fileName} (atomically: rotation tests re-read). */
  private Path write(String fileName, Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(object);
    }
    Path target = directory.resolve(fileName);
    Path temporary = directory.resolve(fileName + ".tmp");
    Files.writeString(temporary, text.toString());
    try {
      Files.move(temporary, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }
}
