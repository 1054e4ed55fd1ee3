package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.ClientTls;
import dev.switchboard.rpc.ServerTls;
import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;

/**
 * The TLS credentials of one server or client, on grpc-java's {@code TlsServerCredentials} /
 * {@code TlsChannelCredentials} with its {@link AdvancedTlsX509KeyManager} and
 * {@link AdvancedTlsX509TrustManager}, whose material is reloaded when the PEM files change
 * (checked on an interval), so that rotated certificates take effect on new handshakes. A client additionally checks, on every handshake,
 * that the server's certificate carries the identity configured for the service (a SAN URI or
 * DNS name), instead of a host name taken from the registry.
 *
 * <p>Owns one daemon thread for the refreshes; {@link #close()} stops them. Thread-safe.
 */
public final class TlsMaterial implements AutoCloseable {
  private static final org.slf4j.Logger logger =
      org.slf4j.LoggerFactory.getLogger(TlsMaterial.class);
  private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "switchboard-tls-refresh");
        thread.setDaemon(true);
        return thread;
      });
  private final List<Closeable> refreshes = new ArrayList<>();

  /** Returns server credentials for {@code tls}. */
  public synchronized ServerCredentials server(ServerTls tls) {
    int watches = refreshes.size();
    try {
      TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
          .keyManager(keyManager(tls.certificateChain(), tls.privateKey(), tls.refresh()));
      if (tls.clientCa().isPresent()) {
        builder.trustManager(trustManager(tls.clientCa().get(), tls.refresh(), null))
            .clientAuth(tls.clientAuth() == ServerTls.ClientAuth.REQUIRE
                ? TlsServerCredentials.ClientAuth.REQUIRE
                : TlsServerCredentials.ClientAuth.OPTIONAL);
      }
      return builder.build();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      stopWatchesFrom(watches); // no half-built credentials keep watching files
      throw new IllegalArgumentException("cannot load the server's TLS files (" + tls + "): "
          + e.getMessage(), e);
    }
  }

  /**
   * Returns channel credentials for {@code tls} on a channel to {@code service}.
   *
   * @throws IllegalArgumentException if no identity is configured for {@code service} or for any
   *     application and {@code tls} does not accept any identity its CAs vouch for (fail closed)
   */
  public synchronized ChannelCredentials channel(ClientTls tls, String service) {
    IdentityVerifier verifier = new IdentityVerifier(service,
        tls.serverIdentity(service).orElse(null), tls.applicationIdentities(),
        tls.acceptsAnyIdentity());
    if (verifier.acceptsAnything()) {
      if (!tls.acceptsAnyIdentity()) {
        throw new IllegalArgumentException("TLS to " + service + ": no server identity is"
            + " configured for it or for any application, so any certificate its CAs issued"
            + " (another service's included) would be accepted; configure"
            + " ClientTls.Builder.serverIdentity(\"" + service + "\", \"spiffe://...\"),"
            + " applicationIdentity(...), or acceptAnyIdentity() to accept that");
      }
      verifier = null;
    }
    int watches = refreshes.size();
    try {
      TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder()
          .trustManager(trustManager(tls.trustedCa(), tls.refresh(), verifier));
      if (tls.certificateChain().isPresent()) {
        builder.keyManager(keyManager(tls.certificateChain().get(), tls.privateKey().get(),
            tls.refresh()));
      }
      return builder.build();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      stopWatchesFrom(watches);
      throw new IllegalArgumentException("cannot load the client's TLS files (" + tls + "): "
          + e.getMessage(), e);
    }
  }

  /**
   * Returns the authority under which the resolver connects to an instance of
   * {@code application} over TLS, so that the handshake can tell which application's identity
   * to require.
   */
  public static String applicationAuthority(String application) {
    return application;
  }

  private AdvancedTlsX509KeyManager keyManager(Path chain, Path key, Duration refresh)
      throws IOException, GeneralSecurityException {
    AdvancedTlsX509KeyManager manager = new AdvancedTlsX509KeyManager();
    String[] seen = fingerprints(chain, key);
    Reload reload = () -> {
      X509Certificate[] certificates = certificates(chain);
      PrivateKey privateKey = privateKey(key);
      checkPair(certificates[0], privateKey);
      manager.updateIdentityCredentials(certificates, privateKey);
    };
    reload.run();
    watch(refresh, reload, seen, chain, key);
    return manager;
  }

  private AdvancedTlsX509TrustManager trustManager(Path ca, Duration refresh,
      AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier verifier)
      throws IOException, GeneralSecurityException {
    AdvancedTlsX509TrustManager.Builder builder = AdvancedTlsX509TrustManager.newBuilder()
        // The host name would come from the registry: the identity check replaces it.
        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION);
    if (verifier != null) {
      builder.setSslSocketAndEnginePeerVerifier(verifier);
    }
    AdvancedTlsX509TrustManager manager = builder.build();
    String[] seen = fingerprints(ca);
    Reload reload = () -> manager.updateTrustCredentials(certificates(ca));
    reload.run();
    watch(refresh, reload, seen, ca);
    return manager;
  }

  private static X509Certificate[] certificates(Path file)
      throws IOException, GeneralSecurityException {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      X509Certificate[] certificates = io.grpc.util.CertificateUtils.getX509Certificates(in);
      if (certificates.length == 0) {
        throw new CertificateException(file + " holds no certificate");
      }
      return certificates;
    }
  }

  private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      return io.grpc.util.CertificateUtils.getPrivateKey(in);
    }
  }

  /** Fails unless {@code key} is the private key of {@code certificate} (sign, then verify). */
  public static void checkPair(X509Certificate certificate, PrivateKey key)
      throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return; // an algorithm we cannot test: the handshake will
    }
    byte[] nonce = new byte[32];
    new java.security.SecureRandom().nextBytes(nonce);
    java.security.Signature signer = java.security.Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(nonce);
    byte[] signature = signer.sign();
    java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(nonce);
    if (!verifier.verify(signature)) {
      throw new CertificateException("the private key does not belong to the certificate "
          + certificate.getSubjectX500Principal());
    }
  }

  /** Re-reads material from files. */
  private interface Reload {
    void run() throws IOException, GeneralSecurityException;
  }

  /**
   * Reloads when any of {@code files} changed, checked every {@code refresh}, once the change has
   * held still for one check (a rotation that writes the files one after the other is read
   * whole); {@code seen} are the fingerprints taken before the first load. A reload that fails
   * (a file half written, a key that does not match its certificate) keeps the material in use
   * and is tried again at the next change. (gRPC's own file watching refreshes once a minute at
   * the most.)
   */
  private void watch(Duration refresh, Reload reload, String[] seen, Path... files) {
    String[][] pending = new String[1][];
    java.util.concurrent.ScheduledFuture<?> task = refresher.scheduleWithFixedDelay(() -> {
      String[] now = fingerprints(files);
      if (java.util.Arrays.equals(now, seen)) {
        pending[0] = null;
        return;
      }
      if (!java.util.Arrays.equals(now, pending[0])) {
        pending[0] = now; // changed since the last look: wait until it holds still
        return;
      }
      try {
        reload.run();
        logger.info("TLS material reloaded from {}", java.util.Arrays.toString(files));
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        logger.warn("Cannot reload TLS material from {} ({}); keeping the material in use",
            java.util.Arrays.toString(files), e.toString());
      }
      System.arraycopy(now, 0, seen, 0, now.length);
      pending[0] = null;
    }, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    refreshes.add(() -> task.cancel(false));
  }

  /** Returns a SHA-256 of each file's contents ("missing" for one that cannot be read). */
  private static String[] fingerprints(Path... files) {
    String[] fingerprints = new String[files.length];
    for (int i = 0; i < files.length; i++) {
      try {
        fingerprints[i] = java.util.HexFormat.of().formatHex(java.security.MessageDigest
            .getInstance("SHA-256").digest(java.nio.file.Files.readAllBytes(files[i])));
      } catch (IOException | java.security.NoSuchAlgorithmException e) {
        fingerprints[i] = "missing"; // being replaced: a change
      }
    }
    return fingerprints;
  }

  /** Returns the identities (SAN URIs and DNS names) in {@code certificate}. */
  public static List<String> identities(X509Certificate certificate) {
    List<String> identities = new ArrayList<>();
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          int type = (Integer) name.get(0);
          if (type == 2 || type == 6) { // dNSName, uniformResourceIdentifier
            identities.add(String.valueOf(name.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no readable SAN: no identity
    }
    return identities;
  }

  /** Returns how many files' watches are running (for diagnostics and tests). */
  public synchronized int watches() {
    return refreshes.size();
  }

  private void stopWatchesFrom(int index) {
    while (refreshes.size() > index) {
      try {
        refreshes.remove(refreshes.size() - 1).close();
      } catch (IOException e) {
        // nothing to release beyond the scheduled task
      }
    }
  }

  /** Stops re-reading the files. Idempotent. */
  @Override
  public synchronized void close() {
    for (Closeable refresh : refreshes) {
      try {
        refresh.close();
      } catch (IOException e) {
        // nothing to release beyond the scheduled task
      }
    }
    refreshes.clear();
    refresher.shutdownNow();
  }

  /**
   * Refuses a server whose certificate does not carry the identity expected of it: the
   * service's, if one is configured, else that of the application the instance is registered
   * under (which the resolver put in the connection's authority).
   */
  private record IdentityVerifier(String service, String serviceIdentity,
      java.util.Map<String, String> applicationIdentities, boolean acceptsAny)
      implements AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier {

    boolean acceptsAnything() {
      return serviceIdentity == null && applicationIdentities.isEmpty();
    }

    @Override
    public void verifyPeerCertificate(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain, socket instanceof javax.net.ssl.SSLSocket tls
          && tls.getHandshakeSession() != null ? tls.getHandshakeSession().getPeerHost() : null);
    }

    @Override
    public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain, engine.getPeerHost());
    }

    private void check(X509Certificate[] chain, String authority) throws CertificateException {
      String expected = serviceIdentity;
      if (expected == null) {
        String application = applicationOf(authority);
        expected = application == null ? null : applicationIdentities.get(application);
        if (expected == null) {
          if (acceptsAny) {
            return;
          }
          throw new CertificateException("no identity is configured for " + service
              + (application == null ? "" : " or its application " + application)
              + ", so its certificate cannot be checked");
        }
      }
      List<String> presented = chain.length == 0 ? List.of() : identities(chain[0]);
      if (!presented.contains(expected)) {
        throw new CertificateException("the server presented identity " + presented
            + ", not the expected " + expected + " (an impostor, or a misconfigured"
            + " certificate)");
      }
    }

    private String applicationOf(String authority) {
      if (authority == null) {
        return null;
      }
      for (String application : applicationIdentities.keySet()) {
        if (applicationAuthority(application).equals(authority)) {
          return application;
        }
      }
      return null;
    }
  }
}
