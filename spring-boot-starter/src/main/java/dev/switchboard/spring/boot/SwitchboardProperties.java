package dev.switchboard.spring.boot;

import dev.switchboard.rpc.ServerTls;
import dev.switchboard.spring.boot.internal.SettingsCompiler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Switchboard's settings under switchboard.*. Every value is checked when the context
 * starts, by the same rules as the builders of RpcServer, RpcClient and the
 * registry: a bad value fails the start with Spring's binding report naming the property, the
 * value and what is allowed. Unset values keep the builders' defaults.
 *
 * <p>Bound once at start; not thread-safe to modify afterwards.
 */
@ConfigurationProperties("switchboard")
public class SwitchboardProperties implements Validator {

  /** Whether Switchboard is configured at all. */
  private boolean enabled = true;

  /**
   * The application (cluster) name instances register under; spring.application.name
   * when unset.
   */
  private String application;

  private final Registry registry = new Registry();
  private final Server server = new Server();
  private final Client client = new Client();
  private final Telemetry telemetry = new Telemetry();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getApplication() {
    return application;
  }

  public void setApplication(String application) {
    this.application = application;
  }

  public Registry getRegistry() {
    return registry;
  }

  public Server getServer() {
    return server;
  }

  public Client getClient() {
    return client;
  }

  public Telemetry getTelemetry() {
    return telemetry;
  }

  @Override
  public boolean supports(Class<?> type) {
    return SwitchboardProperties.class.isAssignableFrom(type);
  }

  @Override
  public void validate(Object target, Errors errors) {
    SettingsCompiler.validate((SwitchboardProperties) target,
        (path, message) -> errors.rejectValue(path, "switchboard.invalid", message));
  }

  /** Where services are registered and discovered. */
  public static class Registry {
    /**
     * The registry URI: zk://host:port[,host:port...][/root] (ZooKeeper) or
     * memory://name (in-process, for tests). Without it nothing is registered or
     * discovered.
     */
    private String uri;

    /** ZooKeeper session timeout (1s..10m); 15s by default. */
    private Duration sessionTimeout;

    /** How long to wait for the first ZooKeeper connection; 5s by default. */
    private Duration connectionTimeout;

    /** How long a burst of registry changes is gathered before consumers see it; 20ms. */
    private Duration debounce;

    /** How long a change that drops most instances at once is held back; 30s by default. */
    private Duration dropProtection;

    /** The most instances accepted per service; 10000 by default. */
    private Integer maxInstances;

    /** Where the last good view of each service is kept for cold starts; ~/.switchboard/registry-snapshots by default. */
    private Path snapshotDirectory;

    /** Whether views are kept on disk for cold starts without the registry; true by default. */
    private Boolean snapshots;

    /** The oldest snapshot a cold start may use; 1 day by default. */
    private Duration snapshotMaxAge;

    /** Whether loopback addresses (127.0.0.1) are accepted from the registry; by default only when every ZooKeeper server is on loopback. */
    private Boolean allowLoopback;

    /** ZooKeeper digest user (providers writing under an ACL). */
    private String username;

    /** ZooKeeper digest password; never logged. */
    private String password;

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public Duration getSessionTimeout() {
      return sessionTimeout;
    }

    public void setSessionTimeout(Duration sessionTimeout) {
      this.sessionTimeout = sessionTimeout;
    }

    public Duration getConnectionTimeout() {
      return connectionTimeout;
    }

    public void setConnectionTimeout(Duration connectionTimeout) {
      this.connectionTimeout = connectionTimeout;
    }

    public Duration getDebounce() {
      return debounce;
    }

    public void setDebounce(Duration debounce) {
      this.debounce = debounce;
    }

    public Duration getDropProtection() {
      return dropProtection;
    }

    public void setDropProtection(Duration dropProtection) {
      this.dropProtection = dropProtection;
    }

    public Integer getMaxInstances() {
      return maxInstances;
    }

    public void setMaxInstances(Integer maxInstances) {
      this.maxInstances = maxInstances;
    }

    public Path getSnapshotDirectory() {
      return snapshotDirectory;
    }

    public void setSnapshotDirectory(Path snapshotDirectory) {
      this.snapshotDirectory = snapshotDirectory;
    }

    public Boolean getSnapshots() {
      return snapshots;
    }

    public void setSnapshots(Boolean snapshots) {
      this.snapshots = snapshots;
    }

    public Duration getSnapshotMaxAge() {
      return snapshotMaxAge;
    }

    public void setSnapshotMaxAge(Duration snapshotMaxAge) {
      this.snapshotMaxAge = snapshotMaxAge;
    }

    public Boolean getAllowLoopback() {
      return allowLoopback;
    }

    public void setAllowLoopback(Boolean allowLoopback) {
      this.allowLoopback = allowLoopback;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    @Override
    public String toString() {
      return "Registry{uri=" + (uri == null ? null
          : dev.switchboard.rpc.registry.RegistryUris.redact(uri))
          + ", password=" + (password == null ? null : "***") + "}";
    }
  }

  /** The server that serves the context's @RpcService beans. */
  public static class Server {
    /** Whether @RpcService beans are served. */
    private boolean enabled = true;

    /** The port to listen on (0 for any free port). */
    private int port = 9090;

    /** The address to listen on; all interfaces by default. */
    private String bindAddress;

    /** The host consumers connect to; by default the bind address when it names one, else the first site-local IPv4 address. */
    private String advertisedHost;

    /** The weight published for every service (1..10000), overriding @RpcService. */
    private Integer weight;

    /** The zone published for every service, overriding @RpcService. */
    private String zone;

    /** How long the instance is published as DRAINING before it deregisters; 2s. */
    private Duration drainPeriod;

    /** How long calls in flight may finish after the drain before they are cancelled; 10s. */
    private Duration shutdownGrace;

    /** How long registration may take before the start goes on without it; 5s. */
    private Duration registrationTimeout;

    private final ServerTlsProperties tls = new ServerTlsProperties();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
    }

    public String getBindAddress() {
      return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
      this.bindAddress = bindAddress;
    }

    public String getAdvertisedHost() {
      return advertisedHost;
    }

    public void setAdvertisedHost(String advertisedHost) {
      this.advertisedHost = advertisedHost;
    }

    public Integer getWeight() {
      return weight;
    }

    public void setWeight(Integer weight) {
      this.weight = weight;
    }

    public String getZone() {
      return zone;
    }

    public void setZone(String zone) {
      this.zone = zone;
    }

    public Duration getDrainPeriod() {
      return drainPeriod;
    }

    public void setDrainPeriod(Duration drainPeriod) {
      this.drainPeriod = drainPeriod;
    }

    public Duration getShutdownGrace() {
      return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
    }

    public Duration getRegistrationTimeout() {
      return registrationTimeout;
    }

    public void setRegistrationTimeout(Duration registrationTimeout) {
      this.registrationTimeout = registrationTimeout;
    }

    public ServerTlsProperties getTls() {
      return tls;
    }
  }

  /** TLS of the server; plaintext unless a certificate chain is set. */
  public static class ServerTlsProperties {
    /** The server's certificate chain (PEM). */
    private Path certificateChain;

    /** The server's private key (PEM). */
    private Path privateKey;

    /** The CAs (PEM) whose client certificates are trusted: mutual TLS. */
    private Path clientCa;

    /** Whether clients may (OPTIONAL) or must (REQUIRE) present a certificate. */
    private ServerTls.ClientAuth clientAuth;

    /** The client identities (SAN URI or DNS name) allowed to call; empty for any. */
    private List<String> allowedClients = new ArrayList<>();

    /** How often the files are re-read (1s..1d); 1m by default. */
    private Duration refresh;

    public Path getCertificateChain() {
      return certificateChain;
    }

    public void setCertificateChain(Path certificateChain) {
      this.certificateChain = certificateChain;
    }

    public Path getPrivateKey() {
      return privateKey;
    }

    public void setPrivateKey(Path privateKey) {
      this.privateKey = privateKey;
    }

    public Path getClientCa() {
      return clientCa;
    }

    public void setClientCa(Path clientCa) {
      this.clientCa = clientCa;
    }

    public ServerTls.ClientAuth getClientAuth() {
      return clientAuth;
    }

    public void setClientAuth(ServerTls.ClientAuth clientAuth) {
      this.clientAuth = clientAuth;
    }

    public List<String> getAllowedClients() {
      return allowedClients;
    }

    public void setAllowedClients(List<String> allowedClients) {
      this.allowedClients = allowedClients;
    }

    public Duration getRefresh() {
      return refresh;
    }

    public void setRefresh(Duration refresh) {
      this.refresh = refresh;
    }
  }

  /** The client behind @RpcReference stubs. */
  public static class Client {
    /** Whether @RpcReference fields and parameters are filled. */
    private boolean enabled = true;

    /** The balancer of references that name none; switchboard_weighted_round_robin. */
    private String balancer;

    /** The balancer's settings (key: value, nested keys with dots). */
    private Map<String, String> balancerSettings = new LinkedHashMap<>();

    /** The deadline of calls that carry none of their own; none by default. */
    private Duration deadline;

    /** How long closing lets calls in flight finish; 5s by default. */
    private Duration shutdownGrace;

    /**
     * This consumer's zone: calls stay with instances registered in it while enough of it is
     * healthy (zone-aware routing); unset, zones are ignored.
     */
    private String zone;

    /** The share of the zone's weight that must be usable to keep calls there; 0.5 by default. */
    private Double zoneMinHealthyShare;

    private final ClientTlsProperties tls = new ClientTlsProperties();

    /** Per-service overrides of the references' annotations, by registered service name. */
    private Map<String, Reference> references = new LinkedHashMap<>();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getBalancer() {
      return balancer;
    }

    public void setBalancer(String balancer) {
      this.balancer = balancer;
    }

    public Map<String, String> getBalancerSettings() {
      return balancerSettings;
    }

    public void setBalancerSettings(Map<String, String> balancerSettings) {
      this.balancerSettings = balancerSettings;
    }

    public Duration getDeadline() {
      return deadline;
    }

    public void setDeadline(Duration deadline) {
      this.deadline = deadline;
    }

    public Duration getShutdownGrace() {
      return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
    }

    public String getZone() {
      return zone;
    }

    public void setZone(String zone) {
      this.zone = zone;
    }

    public Double getZoneMinHealthyShare() {
      return zoneMinHealthyShare;
    }

    public void setZoneMinHealthyShare(Double zoneMinHealthyShare) {
      this.zoneMinHealthyShare = zoneMinHealthyShare;
    }

    public ClientTlsProperties getTls() {
      return tls;
    }

    public Map<String, Reference> getReferences() {
      return references;
    }

    public void setReferences(Map<String, Reference> references) {
      this.references = references;
    }
  }

  /** TLS of the client; plaintext unless a trusted CA is set. */
  public static class ClientTlsProperties {
    /** The CAs (PEM) whose server certificates are trusted. */
    private Path trustedCa;

    /** The client's certificate chain (PEM), for mutual TLS. */
    private Path certificateChain;

    /** The client's private key (PEM), for mutual TLS. */
    private Path privateKey;

    /** The identity each service's instances must present, by service name. */
    private Map<String, String> serverIdentities = new LinkedHashMap<>();

    /** The identity each application's instances must present, by application name. */
    private Map<String, String> applicationIdentities = new LinkedHashMap<>();

    /** Whether any certificate from a trusted CA is accepted (no identity check). */
    private boolean acceptAnyIdentity;

    /** How often the files are re-read (1s..1d); 1m by default. */
    private Duration refresh;

    public Path getTrustedCa() {
      return trustedCa;
    }

    public void setTrustedCa(Path trustedCa) {
      this.trustedCa = trustedCa;
    }

    public Path getCertificateChain() {
      return certificateChain;
    }

    public void setCertificateChain(Path certificateChain) {
      this.certificateChain = certificateChain;
    }

    public Path getPrivateKey() {
      return privateKey;
    }

    public void setPrivateKey(Path privateKey) {
      this.privateKey = privateKey;
    }

    public Map<String, String> getServerIdentities() {
      return serverIdentities;
    }

    public void setServerIdentities(Map<String, String> serverIdentities) {
      this.serverIdentities = serverIdentities;
    }

    public Map<String, String> getApplicationIdentities() {
      return applicationIdentities;
    }

    public void setApplicationIdentities(Map<String, String> applicationIdentities) {
      this.applicationIdentities = applicationIdentities;
    }

    public boolean isAcceptAnyIdentity() {
      return acceptAnyIdentity;
    }

    public void setAcceptAnyIdentity(boolean acceptAnyIdentity) {
      this.acceptAnyIdentity = acceptAnyIdentity;
    }

    public Duration getRefresh() {
      return refresh;
    }

    public void setRefresh(Duration refresh) {
      this.refresh = refresh;
    }
  }

  /** Overrides of one service's references; unset values keep the annotation's. */
  public static class Reference {
    /** The balancer (gRPC policy name). */
    private String balancer;

    /** The balancer's settings (key: value, nested keys with dots). */
    private Map<String, String> balancerSettings = new LinkedHashMap<>();

    /** The default deadline of calls. */
    private Duration deadline;

    /** Attempts in all for every method (1..5), retrying on retry-on. */
    private Integer maxAttempts;

    /** The status codes retried; UNAVAILABLE by default. */
    private List<String> retryOn = new ArrayList<>();

    /** true wraps the balancer in gRPC's outlier detection (false does not undo the annotation's). */
    private Boolean ejectOutliers;

    /** For consistent hashing: the request field whose value is the hash key. */
    private String hashField;

    /** How many of the service's instances to connect to (subsetting); all when unset. */
    private Integer subsetSize;

    public String getBalancer() {
      return balancer;
    }

    public void setBalancer(String balancer) {
      this.balancer = balancer;
    }

    public Map<String, String> getBalancerSettings() {
      return balancerSettings;
    }

    public void setBalancerSettings(Map<String, String> balancerSettings) {
      this.balancerSettings = balancerSettings;
    }

    public Duration getDeadline() {
      return deadline;
    }

    public void setDeadline(Duration deadline) {
      this.deadline = deadline;
    }

    public Integer getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public List<String> getRetryOn() {
      return retryOn;
    }

    public void setRetryOn(List<String> retryOn) {
      this.retryOn = retryOn;
    }

    public Boolean getEjectOutliers() {
      return ejectOutliers;
    }

    public void setEjectOutliers(Boolean ejectOutliers) {
      this.ejectOutliers = ejectOutliers;
    }

    public String getHashField() {
      return hashField;
    }

    public void setHashField(String hashField) {
      this.hashField = hashField;
    }

    public Integer getSubsetSize() {
      return subsetSize;
    }

    public void setSubsetSize(Integer subsetSize) {
      this.subsetSize = subsetSize;
    }
  }

  /** Where metrics and traces go. */
  public static class Telemetry {
    /**
     * Whether gRPC's and Switchboard's metrics are recorded (into Micrometer's registry when
     * the application has one) and calls traced (with the application's OpenTelemetry).
     */
    private boolean enabled = true;

    /** Whether calls are traced when an OpenTelemetry bean is present. */
    private boolean tracing = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isTracing() {
      return tracing;
    }

    public void setTracing(boolean tracing) {
      this.tracing = tracing;
    }
  }
}
