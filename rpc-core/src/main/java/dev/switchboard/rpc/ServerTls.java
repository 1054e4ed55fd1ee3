package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * TLS for an {@link RpcServer}: its certificate chain and private key (PEM files), and optionally
 * the CA whose client certificates it accepts (mutual TLS), whether a client must present one,
 * and which client identities may call at all. The files are re-read every {@link #refresh()}
 * (1 minute by default), so a rotated certificate is served on new handshakes without a restart;
 * connections already open are not broken.
 *
 * <pre>{@code
 * RpcServer.builder().tls(ServerTls.builder()
 *     .keyPair(Path.of("server.pem"), Path.of("server.key"))
 *     .clientTrust(Path.of("ca.pem"), ServerTls.ClientAuth.REQUIRE)
 *     .allowedClients("spiffe://acme.prod/checkout")
 *     .build())
 * }</pre>
 *
 * <p>Immutable. Its {@code toString} names files, never their contents.
 */
public final class ServerTls {

  /** Whether clients must present a certificate. */
  public enum ClientAuth {
    /** A client may present a certificate; one it presents must be trusted. */
    OPTIONAL,
    /** A client must present a trusted certificate. */
    REQUIRE
  }

  private final Path certificateChain;
  private final Path privateKey;
  private final Path clientCa;
  private final ClientAuth clientAuth;
  private final Set<String> allowedClients;
  private final Duration refresh;

  private ServerTls(Builder builder) {
    this.certificateChain = builder.certificateChain;
    this.privateKey = builder.privateKey;
    this.clientCa = builder.clientCa;
    this.clientAuth = builder.clientAuth;
    this.allowedClients = Set.copyOf(builder.allowedClients);
    this.refresh = builder.refresh;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the PEM file of the server's certificate chain. */
  public Path certificateChain() {
    return certificateChain;
  }

  /** Returns the PEM file of the server's private key (PKCS#8). */
  public Path privateKey() {
    return privateKey;
  }

  /** Returns the PEM file of the CA certificates trusted for client certificates, if any. */
  public Optional<Path> clientCa() {
    return Optional.ofNullable(clientCa);
  }

  /** Returns whether clients must present a certificate (meaningful with a client CA). */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /**
   * Returns the client identities (SAN URIs or DNS names) allowed to call; empty for any client
   * the handshake accepted.
   */
  public Set<String> allowedClients() {
    return allowedClients;
  }

  /** Returns how often the files are re-read. */
  public Duration refresh() {
    return refresh;
  }

  @Override
  public String toString() {
    return "ServerTls{certificateChain=" + certificateChain + ", privateKey=" + privateKey
        + ", clientCa=" + clientCa + ", clientAuth=" + clientAuth + ", allowedClients="
        + allowedClients + ", refresh=" + refresh + "}";
  }

  /** Builds {@link ServerTls}; files are checked to exist when set. Not thread-safe. */
  public static final class Builder {
    private Path certificateChain;
    private Path privateKey;
    private Path clientCa;
    private ClientAuth clientAuth = ClientAuth.OPTIONAL;
    private final Set<String> allowedClients = new LinkedHashSet<>();
    private Duration refresh = Duration.ofMinutes(1);

    private Builder() {}

    /** Sets the server's certificate chain and private key, both PEM files (required). */
    public Builder keyPair(Path certificateChain, Path privateKey) {
      this.certificateChain = TlsFiles.readable(certificateChain, "certificate chain");
      this.privateKey = TlsFiles.readable(privateKey, "private key");
      return this;
    }

    /** Trusts client certificates issued by the CAs in {@code caPem}, {@code auth} deciding. */
    public Builder clientTrust(Path caPem, ClientAuth auth) {
      this.clientCa = TlsFiles.readable(caPem, "client CA");
      this.clientAuth = requireNonNull(auth, "auth");
      return this;
    }

    /**
     * Lets only clients whose certificate carries one of {@code identities} (a SAN URI such as
     * {@code spiffe://acme.prod/checkout}, or a DNS name) call; others get
     * {@code PERMISSION_DENIED}. Needs {@link #clientTrust} with {@link ClientAuth#REQUIRE}.
     */
    public Builder allowedClients(String... identities) {
      for (String identity : identities) {
        allowedClients.add(TlsFiles.identity(identity));
      }
      return this;
    }

    /** Sets how often the files are re-read: 1 s to 1 day (1 minute by default). */
    public Builder refresh(Duration interval) {
      this.refresh = TlsFiles.refresh(interval);
      return this;
    }

    /**
     * Returns the settings.
     *
     * @throws IllegalStateException if no key pair is set, or an allow-list is set without
     *     required client certificates
     */
    public ServerTls build() {
      if (certificateChain == null) {
        throw new IllegalStateException("ServerTls needs keyPair(certificateChain, privateKey)");
      }
      if (!allowedClients.isEmpty() && (clientCa == null || clientAuth != ClientAuth.REQUIRE)) {
        throw new IllegalStateException("allowedClients " + allowedClients + " need"
            + " clientTrust(ca, ClientAuth.REQUIRE): without a client certificate there is no"
            + " identity to check");
      }
      return new ServerTls(this);
    }
  }

  /** Checks the files and identities the TLS settings are given. */
  static final class TlsFiles {
    private TlsFiles() {}

    static Path readable(Path file, String what) {
      requireNonNull(file, what);
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("TLS " + what + " file " + file
            + " does not exist or is not readable");
      }
      return file;
    }

    static Duration refresh(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0
          || interval.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("TLS refresh " + interval
            + " is out of range (allowed: 1 s to 1 day)");
      }
      return interval;
    }

    static String identity(String identity) {
      requireNonNull(identity, "identity");
      if (identity.isBlank() || identity.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("TLS identity '" + identity + "' is invalid (expected"
            + " a SAN URI such as spiffe://acme.prod/greeter, or a DNS name)");
      }
      return identity;
    }
  }
}
