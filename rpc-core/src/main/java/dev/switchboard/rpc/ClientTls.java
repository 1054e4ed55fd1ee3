package dev.switchboard.rpc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * TLS for an {@link RpcClient}'s channels: the CAs it trusts, optionally its own certificate and
 * key (mutual TLS), and the identity each service must present. The registry says where
 * instances are, never who they are: the expected identity (a SAN URI such as
 * {@code spiffe://acme.prod/greeter}, or a DNS name) comes from this configuration and is checked
 * on every handshake, so an impostor on a reused address, even with a certificate from the same
 * CA, is refused (and the balancer sees a failed endpoint). A service without an expected
 * identity, or one for its instance's application ({@link Builder#applicationIdentity}), is
 * refused unless {@link Builder#acceptAnyIdentity()} accepts any certificate of the
 * CAs for it. The files are checked for changes every {@link #refresh()}.
 *
 * <pre>{@code
 * RpcClient.builder().tls(ClientTls.builder()
 *     .trust(Path.of("ca.pem"))
 *     .keyPair(Path.of("client.pem"), Path.of("client.key"))
 *     .serverIdentity("helloworld.Greeter", "spiffe://acme.prod/greeter")
 *     .build())
 * }</pre>
 *
 * <p>Immutable. Its {@code toString} names files, never their contents.
 */
public final class ClientTls {
  private final Path trustedCa;
  private final Path certificateChain;
  private final Path privateKey;
  private final Map<String, String> serverIdentities;
  private final Map<String, String> applicationIdentities;
  private final boolean acceptsAnyIdentity;
  private final Duration refresh;

  private ClientTls(Builder builder) {
    this.trustedCa = builder.trustedCa;
    this.certificateChain = builder.certificateChain;
    this.privateKey = builder.privateKey;
    this.serverIdentities = Map.copyOf(builder.serverIdentities);
    this.applicationIdentities = Map.copyOf(builder.applicationIdentities);
    this.acceptsAnyIdentity = builder.acceptsAnyIdentity;
    this.refresh = builder.refresh;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the PEM file of the trusted CA certificates. */
  public Path trustedCa() {
    return trustedCa;
  }

  /** Returns the client's own certificate chain PEM file, for mutual TLS, if any. */
  public Optional<Path> certificateChain() {
    return Optional.ofNullable(certificateChain);
  }

  /** Returns the client's own private key PEM file, for mutual TLS, if any. */
  public Optional<Path> privateKey() {
    return Optional.ofNullable(privateKey);
  }

  /** Returns the identity {@code service}'s instances must present, if one is configured. */
  public Optional<String> serverIdentity(String service) {
    return Optional.ofNullable(serverIdentities.get(service));
  }

  /**
   * Returns the identity each application's instances must present when their service has none
   * of its own (unmodifiable).
   */
  public Map<String, String> applicationIdentities() {
    return applicationIdentities;
  }

  /**
   * Returns whether services without a configured identity accept any certificate the trusted
   * CAs issued; false by default, when a channel to such a service is refused.
   */
  public boolean acceptsAnyIdentity() {
    return acceptsAnyIdentity;
  }

  /** Returns how often the files are re-read. */
  public Duration refresh() {
    return refresh;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ClientTls that && trustedCa.equals(that.trustedCa)
        && java.util.Objects.equals(certificateChain, that.certificateChain)
        && java.util.Objects.equals(privateKey, that.privateKey)
        && serverIdentities.equals(that.serverIdentities)
        && applicationIdentities.equals(that.applicationIdentities) && refresh.equals(that.refresh)
        && acceptsAnyIdentity == that.acceptsAnyIdentity;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(trustedCa, certificateChain, privateKey, serverIdentities,
        applicationIdentities, refresh, acceptsAnyIdentity);
  }

  @Override
  public String toString() {
    return "ClientTls{trustedCa=" + trustedCa + ", certificateChain=" + certificateChain
        + ", privateKey=" + privateKey + ", serverIdentities=" + serverIdentities
        + ", applicationIdentities=" + applicationIdentities
        + ", acceptsAnyIdentity=" + acceptsAnyIdentity + ", refresh=" + refresh + "}";
  }

  /** Builds {@link ClientTls}; files are checked to exist when set. Not thread-safe. */
  public static final class Builder {
    private Path trustedCa;
    private Path certificateChain;
    private Path privateKey;
    private final Map<String, String> serverIdentities = new LinkedHashMap<>();
    private final Map<String, String> applicationIdentities = new LinkedHashMap<>();
    private boolean acceptsAnyIdentity;
    private Duration refresh = Duration.ofMinutes(1);

    private Builder() {}

    /**
     * Lets services without a {@link #serverIdentity} accept any certificate the trusted CAs
     * issued. Without it (the default) a TLS channel to such a service is refused when its stub
     * is created: with a CA that issues certificates to other services too, an impostor holding
     * one of theirs would be accepted.
     */
    public Builder acceptAnyIdentity() {
      this.acceptsAnyIdentity = true;
      return this;
    }

    /** Trusts servers whose certificates the CAs in {@code caPem} issued (required). */
    public Builder trust(Path caPem) {
      this.trustedCa = ServerTls.TlsFiles.readable(caPem, "trusted CA");
      return this;
    }

    /** Presents this certificate chain and key (PEM files) to servers: mutual TLS. */
    public Builder keyPair(Path certificateChain, Path privateKey) {
      this.certificateChain = ServerTls.TlsFiles.readable(certificateChain, "certificate chain");
      this.privateKey = ServerTls.TlsFiles.readable(privateKey, "private key");
      return this;
    }

    /**
     * Requires {@code service}'s instances to present {@code identity}: a SAN URI (e.g.
     * {@code spiffe://acme.prod/greeter}) or a DNS name in their certificate.
     */
    public Builder serverIdentity(String service, String identity) {
      serverIdentities.put(dev.switchboard.rpc.registry.Names.checkServiceName(service),
          ServerTls.TlsFiles.identity(identity));
      return this;
    }

    /**
     * Requires instances registered under {@code application} to present {@code identity} (a
     * SAN URI or DNS name), for every service that has no {@link #serverIdentity} of its own: one
     * setting for all the services of a workload with one identity (SPIFFE's usual shape).
     * Which application an instance belongs to is the registry's word, so a registry writer
     * who holds another configured application's certificate could serve a service from it;
     * {@link #serverIdentity} per service rules that out.
     */
    public Builder applicationIdentity(String application, String identity) {
      applicationIdentities.put(dev.switchboard.rpc.registry.Names.checkApplicationName(
          application), ServerTls.TlsFiles.identity(identity));
      return this;
    }

    /** Sets how often the files are re-read: 1 s to 1 day (1 minute by default). */
    public Builder refresh(Duration interval) {
      this.refresh = ServerTls.TlsFiles.refresh(interval);
      return this;
    }

    /**
     * Returns the settings.
     *
     * @throws IllegalStateException if no trusted CA is set
     */
    public ClientTls build() {
      if (trustedCa == null) {
        throw new IllegalStateException("ClientTls needs trust(caPem)");
      }
      return new ClientTls(this);
    }
  }
}
