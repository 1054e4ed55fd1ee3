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
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load the server's TLS files (" + tls + "): "
          + e.getMessage(), e);
    }
  }

  /** Returns channel credentials for {@code tls} on a channel to {@code service}. */
  public synchronized ChannelCredentials channel(ClientTls tls, String service) {
    try {
      TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder()
          .trustManager(trustManager(tls.trustedCa(), tls.refresh(),
              tls.serverIdentity(service).orElse(null)));
      if (tls.certificateChain().isPresent()) {
        builder.keyManager(keyManager(tls.certificateChain().get(), tls.privateKey().get(),
            tls.refresh()));
      }
      return builder.build();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load the client's TLS files (" + tls + "): "
          + e.getMessage(), e);
    }
  }

  private AdvancedTlsX509KeyManager keyManager(Path chain, Path key, Duration refresh)
      throws IOException, GeneralSecurityException {
    AdvancedTlsX509KeyManager manager = new AdvancedTlsX509KeyManager();
    manager.updateIdentityCredentials(chain.toFile(), key.toFile());
    watch(refresh, () -> manager.updateIdentityCredentials(chain.toFile(), key.toFile()), chain,
        key);
    return manager;
  }

  private AdvancedTlsX509TrustManager trustManager(Path ca, Duration refresh, String identity)
      throws IOException, GeneralSecurityException {
    AdvancedTlsX509TrustManager.Builder builder = AdvancedTlsX509TrustManager.newBuilder()
        // The host name would come from the registry: the identity check replaces it.
        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION);
    if (identity != null) {
      builder.setSslSocketAndEnginePeerVerifier(new IdentityVerifier(identity));
    }
    AdvancedTlsX509TrustManager manager = builder.build();
    manager.updateTrustCredentials(ca.toFile());
    watch(refresh, () -> manager.updateTrustCredentials(ca.toFile()), ca);
    return manager;
  }

  /** Re-reads material from files. */
  private interface Reload {
    void run() throws IOException, GeneralSecurityException;
  }

  /**
   * Reloads when any of {@code files} changed, checked every {@code refresh}; a reload that fails
   * (a file half written, a key that does not match) keeps the material in use and is tried
   * again at the next change. (gRPC's own file watching refreshes once a minute at the most.)
   */
  private void watch(Duration refresh, Reload reload, Path... files) {
    long[] seen = modified(files);
    java.util.concurrent.ScheduledFuture<?> task = refresher.scheduleWithFixedDelay(() -> {
      long[] now = modified(files);
      if (java.util.Arrays.equals(now, seen)) {
        return;
      }
      try {
        reload.run();
        System.arraycopy(now, 0, seen, 0, now.length);
        logger.info("TLS material reloaded from {}", java.util.Arrays.toString(files));
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        logger.warn("Cannot reload TLS material from {} ({}); keeping the material in use",
            java.util.Arrays.toString(files), e.toString());
      }
    }, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    refreshes.add(() -> task.cancel(false));
  }

  private static long[] modified(Path... files) {
    long[] times = new long[files.length];
    for (int i = 0; i < files.length; i++) {
      try {
        times[i] = java.nio.file.Files.getLastModifiedTime(files[i]).toMillis()
            ^ java.nio.file.Files.size(files[i]) * 31;
      } catch (IOException e) {
        times[i] = -1; // missing for now (being replaced): a change
      }
    }
    return times;
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

  /** Refuses a server whose certificate does not carry the expected identity. */
  private record IdentityVerifier(String expected)
      implements AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier {
    @Override
    public void verifyPeerCertificate(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      List<String> presented = chain.length == 0 ? List.of() : identities(chain[0]);
      if (!presented.contains(expected)) {
        throw new CertificateException("the server presented identity " + presented
            + ", not the expected " + expected + " (an impostor, or a misconfigured"
            + " certificate)");
      }
    }
  }
}
