package dev.switchboard.discovery.zk;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.registry.RegistryUris;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a ZooKeeper registry and how defensively to read it. Built with
 * {@link #builder()} or parsed from a URI:
 *
 * <pre>{@code
 * zk://127.0.0.1:2181                           root /switchboard
 * zk://zk1:2181,zk2:2181,zk3:2181/acme/prod     root /acme/prod (a chroot)
 * zk://provider:secret@zk1:2181/acme/prod       digest credentials (providers)
 * zk://127.0.0.1:2181?sessionTimeout=PT10S&connectionTimeout=PT3S&dropProtection=PT1M
 * }</pre>
 *
 * <p>Immutable.
 */
public final class ZkRegistryConfig {
  /** The root used when the URI has no path. */
  public static final String DEFAULT_ROOT = "/switchboard";

  private static final String PARAMETERS = "sessionTimeout, connectionTimeout, debounce,"
      + " dropProtection, maxInstances, snapshotDir, snapshotMaxAge, allowLoopback, trustStore,"
      + " trustStorePassword, keyStore, keyStorePassword";

  private final String connectString;
  private final String root;
  private final Duration sessionTimeout;
  private final Duration connectionTimeout;
  private final Duration debounce;
  private final Duration dropProtection;
  private final int maxInstances;
  private final Path snapshotDirectory;
  private final Duration snapshotMaxAge;
  private final Boolean allowLoopback;
  private final String user;
  private final String password;
  private final ZkTls tls;

  private ZkRegistryConfig(Builder builder) {
    this.connectString = builder.connectString;
    this.root = builder.root;
    this.sessionTimeout = builder.sessionTimeout;
    this.connectionTimeout = builder.connectionTimeout;
    this.debounce = builder.debounce;
    this.dropProtection = builder.dropProtection;
    this.maxInstances = builder.maxInstances;
    this.snapshotDirectory = builder.snapshotDirectory;
    this.snapshotMaxAge = builder.snapshotMaxAge;
    this.allowLoopback = builder.allowLoopback;
    this.user = builder.user;
    this.password = builder.password;
    this.tls = builder.tls();
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses {@code zk://[user:password@]host:port[,host:port...][/root][?parameters]}. The
   * parameters are those of the {@link Builder}: durations in ISO-8601 ({@code PT15S}),
   * {@code snapshotDir} a path or {@code none}, {@code allowLoopback} {@code true} or
   * {@code false}, and TLS key and trust stores as paths.
   *
   * @throws IllegalArgumentException naming the URI and what is wrong
   */
  public static ZkRegistryConfig fromUri(URI uri) {
    if (!"zk".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("registry URI '" + redact(uri) + "' is not a zk:// URI");
    }
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      throw new IllegalArgumentException("registry URI '" + redact(uri)
          + "' names no ZooKeeper server (expected zk://host:port[,host:port...][/root])");
    }
    Builder builder = builder();
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      int colon = userInfo.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("registry URI '" + redact(uri)
            + "' has credentials without a password (expected zk://user:password@host:port)");
      }
      builder.credentials(decode(userInfo.substring(0, colon)),
          decode(userInfo.substring(colon + 1)));
      authority = authority.substring(at + 1);
    }
    // A server list may arrive percent-encoded (zk1%3A2181%2Czk2%3A2181) from a gRPC target.
    builder.connectString(authority.replace("%3A", ":").replace("%3a", ":")
        .replace("%2C", ",").replace("%2c", ","));
    String path = uri.getPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      builder.root(path);
    }
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      Path trustStore = null;
      String trustStorePassword = "";
      Path keyStore = null;
      String keyStorePassword = "";
      for (String pair : query.split("&")) {
        int equals = pair.indexOf('=');
        String key = equals < 0 ? pair : pair.substring(0, equals);
        String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
        switch (key) {
          case "sessionTimeout" -> builder.sessionTimeout(parseDuration(uri, key, value));
          case "connectionTimeout" -> builder.connectionTimeout(parseDuration(uri, key, value));
          case "debounce" -> builder.debounce(parseDuration(uri, key, value));
          case "dropProtection" -> builder.dropProtection(parseDuration(uri, key, value));
          case "maxInstances" -> builder.maxInstances(parseInt(uri, key, value));
          case "snapshotMaxAge" -> builder.snapshotMaxAge(parseDuration(uri, key, value));
          case "snapshotDir" -> {
            if (value.equals("none")) {
              builder.noSnapshots();
            } else {
              builder.snapshotDirectory(Path.of(value));
            }
          }
          case "allowLoopback" -> builder.allowLoopback(parseBoolean(uri, key, value));
          case "trustStore" -> trustStore = Path.of(value);
          case "trustStorePassword" -> trustStorePassword = value;
          case "keyStore" -> keyStore = Path.of(value);
          case "keyStorePassword" -> keyStorePassword = value;
          default -> throw new IllegalArgumentException("registry URI '" + redact(uri)
              + "' has unknown parameter '" + key + "' (allowed: " + PARAMETERS + ")");
        }
      }
      if (trustStore != null) {
        builder.tls(trustStore, trustStorePassword);
      }
      if (keyStore != null) {
        builder.tlsClientCertificate(keyStore, keyStorePassword);
      }
    }
    return builder.build();
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  /** Returns {@code uri} for messages: user information and every parameter value hidden. */
  private static String redact(URI uri) {
    return RegistryUris.redact(uri);
  }

  private static Duration parseDuration(URI uri, String key, String value) {
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("registry URI '" + redact(uri) + "': " + key + "='"
          + value + "' is not an ISO-8601 duration (e.g. PT15S)", e);
    }
  }

  private static int parseInt(URI uri, String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("registry URI '" + redact(uri) + "': " + key + "='"
          + value + "' is not an integer", e);
    }
  }

  private static boolean parseBoolean(URI uri, String key, String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("registry URI '" + redact(uri) + "': " + key
          + "='" + value + "' is not a boolean (allowed: true, false)");
    };
  }

  /**
   * Returns a builder holding these settings, for a config that differs in a few of them (e.g.
   * the settings of a URI, overridden by typed configuration).
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.connectString = connectString;
    builder.root = root;
    builder.sessionTimeout = sessionTimeout;
    builder.connectionTimeout = connectionTimeout;
    builder.debounce = debounce;
    builder.dropProtection = dropProtection;
    builder.maxInstances = maxInstances;
    builder.snapshotDirectory = snapshotDirectory;
    builder.snapshotMaxAge = snapshotMaxAge;
    builder.allowLoopback = allowLoopback;
    builder.user = user;
    builder.password = password;
    if (tls != null) {
      builder.trustStore = tls.trustStore();
      builder.trustStorePassword = tls.trustStorePassword();
      builder.keyStore = tls.keyStore();
      builder.keyStorePassword = tls.keyStorePassword();
    }
    return builder;
  }

  /** Returns the ZooKeeper connect string, e.g. {@code zk1:2181,zk2:2181}. */
  public String connectString() {
    return connectString;
  }

  /** Returns the root path under which the registry keeps its nodes, e.g. {@code /switchboard}. */
  public String root() {
    return root;
  }

  /** Returns the ZooKeeper session timeout requested (the server may bound it). */
  public Duration sessionTimeout() {
    return sessionTimeout;
  }

  /** Returns how long to wait for a connection before reporting the registry unreachable. */
  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  /** Returns how long a watch gathers changes before it publishes them (0: at once). */
  public Duration debounce() {
    return debounce;
  }

  /**
   * Returns how long a watch keeps instances that vanished in a mass drop (more than half of
   * them at once, or all) before believing it; {@link Duration#ZERO} turns protection off.
   */
  public Duration dropProtection() {
    return dropProtection;
  }

  /** Returns the most instances a watch accepts for one service; more are skipped, loudly. */
  public int maxInstances() {
    return maxInstances;
  }

  /** Returns where watches keep per-service snapshots for a cold start, if anywhere. */
  public Optional<Path> snapshotDirectory() {
    return Optional.ofNullable(snapshotDirectory);
  }

  /** Returns the age beyond which a disk snapshot is not used. */
  public Duration snapshotMaxAge() {
    return snapshotMaxAge;
  }

  /**
   * Returns whether consumers accept instances on loopback addresses: as set, or by default only
   * when every ZooKeeper server in the connect string is itself on loopback (a local set-up).
   */
  public boolean allowLoopback() {
    if (allowLoopback != null) {
      return allowLoopback;
    }
    for (String server : connectString.split(",")) {
      String host = server.contains("]") ? server.substring(0, server.indexOf(']') + 1)
          : server.contains(":") ? server.substring(0, server.lastIndexOf(':')) : server;
      if (!isLoopbackName(host)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLoopbackName(String host) {
    return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]")
        || host.equals("::1");
  }

  /** Returns the digest user whose credentials this registry presents, if any. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** Returns the digest password; present exactly when {@link #user()} is. */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /** Returns the TLS settings, present when connections to ZooKeeper use TLS. */
  public Optional<ZkTls> tls() {
    return Optional.ofNullable(tls);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ZkRegistryConfig that && connectString.equals(that.connectString)
        && root.equals(that.root) && sessionTimeout.equals(that.sessionTimeout)
        && connectionTimeout.equals(that.connectionTimeout) && debounce.equals(that.debounce)
        && dropProtection.equals(that.dropProtection) && maxInstances == that.maxInstances
        && Objects.equals(snapshotDirectory, that.snapshotDirectory)
        && snapshotMaxAge.equals(that.snapshotMaxAge)
        && Objects.equals(allowLoopback, that.allowLoopback) && Objects.equals(user, that.user)
        && Objects.equals(password, that.password) && Objects.equals(tls, that.tls);
  }

  @Override
  public int hashCode() {
    return Objects.hash(connectString, root, sessionTimeout, connectionTimeout, debounce,
        dropProtection, maxInstances, snapshotDirectory, snapshotMaxAge, allowLoopback, user, password, tls);
  }

  /** Describes the registry for logs and messages; never shows a password. */
  @Override
  public String toString() {
    return "zk://" + (user == null ? "" : user + ":***@") + connectString + root
        + "?sessionTimeout=" + sessionTimeout + "&connectionTimeout=" + connectionTimeout
        + (tls == null ? "" : "&tls");
  }

  /** Builds a {@link ZkRegistryConfig}; validates each value as it is set. Not thread-safe. */
  public static final class Builder {
    private String connectString;
    private String root = DEFAULT_ROOT;
    private Duration sessionTimeout = Duration.ofSeconds(15);
    private Duration connectionTimeout = Duration.ofSeconds(5);
    private Duration debounce = Duration.ofMillis(20);
    private Duration dropProtection = Duration.ofSeconds(30);
    private int maxInstances = 10_000;
    private Path snapshotDirectory = defaultSnapshotDirectory();
    private Duration snapshotMaxAge = Duration.ofDays(1);
    private Boolean allowLoopback;
    private String user;
    private String password;
    private Path trustStore;
    private String trustStorePassword;
    private Path keyStore;
    private String keyStorePassword;

    private Builder() {}

    private static Path defaultSnapshotDirectory() {
      String home = System.getProperty("user.home");
      return home == null || home.isEmpty() ? null
          : Path.of(home, ".switchboard", "registry-snapshots");
    }

    /** Sets the ZooKeeper connect string, {@code host:port[,host:port...]}; required. */
    public Builder connectString(String connectString) {
      requireNonNull(connectString, "connectString");
      if (connectString.isBlank() || connectString.contains("/") || connectString.contains("@")) {
        throw new IllegalArgumentException("connect string '" + connectString
            + "' is invalid (expected host:port[,host:port...], no path, no credentials)");
      }
      this.connectString = connectString;
      return this;
    }

    /** Sets the root path, e.g. {@code /acme/prod}; {@value #DEFAULT_ROOT} by default. */
    public Builder root(String root) {
      requireNonNull(root, "root");
      if (!root.matches("(/[A-Za-z0-9_.\\-]+)+")) {
        throw new IllegalArgumentException("root '" + root + "' is invalid (expected an absolute"
            + " path of letters, digits, '.', '_' and '-', e.g. /acme/prod)");
      }
      this.root = root;
      return this;
    }

    /** Sets the session timeout; 1 s to 10 min, 15 s by default. */
    public Builder sessionTimeout(Duration timeout) {
      this.sessionTimeout = checkRange(timeout, "sessionTimeout", Duration.ofSeconds(1),
          Duration.ofMinutes(10));
      return this;
    }

    /** Sets the connection timeout; 100 ms to 5 min, 5 s by default. */
    public Builder connectionTimeout(Duration timeout) {
      this.connectionTimeout = checkRange(timeout, "connectionTimeout", Duration.ofMillis(100),
          Duration.ofMinutes(5));
      return this;
    }

    /**
     * Sets how long a watch gathers changes before publishing them, so that a burst (a mass
     * restart) becomes one update; 0 to 5 s, 20 ms by default. A watch's first snapshot is never
     * delayed.
     */
    public Builder debounce(Duration debounce) {
      this.debounce = checkRange(debounce, "debounce", Duration.ZERO, Duration.ofSeconds(5));
      return this;
    }

    /**
     * Sets how long a watch keeps instances that vanished in a mass drop before believing it:
     * when more than half of the instances (or all of them) disappear at once, consumers keep
     * them, warn, and drop them only if they are still gone after this long. New instances are
     * published at once meanwhile. 0 (off) to 1 h; 30 s by default.
     */
    public Builder dropProtection(Duration window) {
      this.dropProtection = checkRange(window, "dropProtection", Duration.ZERO,
          Duration.ofHours(1));
      return this;
    }

    /**
     * Sets the most instances a watch accepts for one service, 1 to 1,000,000, 10,000 by default.
     * Beyond it (thousands of forged entries, say) the oldest registrations are kept, the rest
     * skipped, and a warning names the service: a consumer never opens connections without
     * bound because of registry data.
     */
    public Builder maxInstances(int max) {
      if (max < 1 || max > 1_000_000) {
        throw new IllegalArgumentException("maxInstances " + max
            + " is out of range (allowed: 1..1000000)");
      }
      this.maxInstances = max;
      return this;
    }

    /**
     * Sets the directory where watches keep a snapshot of each service they watch, used when a
     * consumer starts while ZooKeeper is unreachable; {@code ~/.switchboard/registry-snapshots}
     * by default.
     */
    public Builder snapshotDirectory(Path directory) {
      this.snapshotDirectory = requireNonNull(directory, "snapshotDirectory");
      return this;
    }

    /** Keeps no disk snapshots: a consumer that starts while ZooKeeper is down waits for it. */
    public Builder noSnapshots() {
      this.snapshotDirectory = null;
      return this;
    }

    /** Sets the age beyond which a disk snapshot is ignored; 1 min to 30 days, 1 day default. */
    public Builder snapshotMaxAge(Duration maxAge) {
      this.snapshotMaxAge = checkRange(maxAge, "snapshotMaxAge", Duration.ofMinutes(1),
          Duration.ofDays(30));
      return this;
    }

    /**
     * Sets whether consumers accept instances on loopback addresses. By default they do only
     * when the ZooKeeper servers are on loopback too. Link-local (including the cloud metadata
     * address 169.254.169.254), multicast and wildcard addresses are always refused.
     */
    public Builder allowLoopback(boolean allow) {
      this.allowLoopback = allow;
      return this;
    }

    /**
     * Sets ZooKeeper digest credentials. Nodes this registry creates are then readable by all
     * and writable only by this user (see {@code docs/registry.md} for the set-up).
     */
    public Builder credentials(String user, String password) {
      requireNonNull(user, "user");
      requireNonNull(password, "password");
      if (user.isEmpty() || user.contains(":")) {
        throw new IllegalArgumentException("digest user '" + user
            + "' is invalid (expected a non-empty name without ':')");
      }
      if (password.isEmpty()) {
        throw new IllegalArgumentException("digest password for user '" + user
            + "' is empty");
      }
      this.user = user;
      this.password = password;
      return this;
    }

    /** Connects to ZooKeeper over TLS, trusting the certificates in {@code trustStore}. */
    public Builder tls(Path trustStore, String trustStorePassword) {
      this.trustStore = requireNonNull(trustStore, "trustStore");
      this.trustStorePassword = requireNonNull(trustStorePassword, "trustStorePassword");
      return this;
    }

    /** Presents the client certificate in {@code keyStore} on TLS connections to ZooKeeper. */
    public Builder tlsClientCertificate(Path keyStore, String keyStorePassword) {
      this.keyStore = requireNonNull(keyStore, "keyStore");
      this.keyStorePassword = requireNonNull(keyStorePassword, "keyStorePassword");
      return this;
    }

    private ZkTls tls() {
      return trustStore == null ? null
          : new ZkTls(trustStore, trustStorePassword, keyStore, keyStorePassword);
    }

    /** Returns the config; fails if no connect string was set or the TLS settings clash. */
    public ZkRegistryConfig build() {
      if (connectString == null) {
        throw new IllegalStateException("connectString is required");
      }
      if (keyStore != null && trustStore == null) {
        throw new IllegalStateException("a TLS client certificate (keyStore " + keyStore
            + ") needs a trust store too: set tls(trustStore, password)");
      }
      return new ZkRegistryConfig(this);
    }

    private static Duration checkRange(Duration value, String name, Duration min, Duration max) {
      requireNonNull(value, name);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " " + value + " is out of range (allowed: "
            + min + ".." + max + ")");
      }
      return value;
    }
  }
}
