package dev.switchboard.discovery.zk;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * How to reach a ZooKeeper registry. Built with {@link #builder()} or parsed from a URI:
 *
 * <pre>{@code
 * zk://127.0.0.1:2181                           root /switchboard
 * zk://zk1:2181,zk2:2181,zk3:2181/acme/prod     root /acme/prod (a chroot)
 * zk://127.0.0.1:2181?sessionTimeout=PT10S&connectionTimeout=PT3S
 * }</pre>
 *
 * <p>Immutable.
 */
public final class ZkRegistryConfig {
  /** The root used when the URI has no path. */
  public static final String DEFAULT_ROOT = "/switchboard";

  private final String connectString;
  private final String root;
  private final Duration sessionTimeout;
  private final Duration connectionTimeout;

  private ZkRegistryConfig(Builder builder) {
    this.connectString = builder.connectString;
    this.root = builder.root;
    this.sessionTimeout = builder.sessionTimeout;
    this.connectionTimeout = builder.connectionTimeout;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses {@code zk://host:port[,host:port...][/root][?sessionTimeout=PT15S&connectionTimeout=PT5S]}.
   *
   * @throws IllegalArgumentException naming the URI and what is wrong
   */
  public static ZkRegistryConfig fromUri(URI uri) {
    if (!"zk".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("registry URI '" + uri + "' is not a zk:// URI");
    }
    String authority = uri.getAuthority();
    if (authority == null || authority.isEmpty()) {
      throw new IllegalArgumentException("registry URI '" + uri
          + "' names no ZooKeeper server (expected zk://host:port[,host:port...][/root])");
    }
    Builder builder = builder().connectString(authority);
    String path = uri.getPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      builder.root(path);
    }
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int equals = pair.indexOf('=');
        String key = equals < 0 ? pair : pair.substring(0, equals);
        String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1),
            StandardCharsets.UTF_8);
        switch (key) {
          case "sessionTimeout" -> builder.sessionTimeout(parseDuration(uri, key, value));
          case "connectionTimeout" -> builder.connectionTimeout(parseDuration(uri, key, value));
          default -> throw new IllegalArgumentException("registry URI '" + uri
              + "' has unknown parameter '" + key
              + "' (allowed: sessionTimeout, connectionTimeout)");
        }
      }
    }
    return builder.build();
  }

  private static Duration parseDuration(URI uri, String key, String value) {
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("registry URI '" + uri + "': " + key + "='" + value
          + "' is not an ISO-8601 duration (e.g. PT15S)", e);
    }
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

  @Override
  public boolean equals(Object other) {
    return other instanceof ZkRegistryConfig that && connectString.equals(that.connectString)
        && root.equals(that.root) && sessionTimeout.equals(that.sessionTimeout)
        && connectionTimeout.equals(that.connectionTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(connectString, root, sessionTimeout, connectionTimeout);
  }

  @Override
  public String toString() {
    return "zk://" + connectString + root + "?sessionTimeout=" + sessionTimeout
        + "&connectionTimeout=" + connectionTimeout;
  }

  /** Builds a {@link ZkRegistryConfig}; validates each value as it is set. Not thread-safe. */
  public static final class Builder {
    private String connectString;
    private String root = DEFAULT_ROOT;
    private Duration sessionTimeout = Duration.ofSeconds(15);
    private Duration connectionTimeout = Duration.ofSeconds(5);

    private Builder() {}

    /** Sets the ZooKeeper connect string, {@code host:port[,host:port...]}; required. */
    public Builder connectString(String connectString) {
      requireNonNull(connectString, "connectString");
      if (connectString.isBlank() || connectString.contains("/")) {
        throw new IllegalArgumentException("connect string '" + connectString
            + "' is invalid (expected host:port[,host:port...], no path)");
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

    /** Returns the config; fails if no connect string was set. */
    public ZkRegistryConfig build() {
      if (connectString == null) {
        throw new IllegalStateException("connectString is required");
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
