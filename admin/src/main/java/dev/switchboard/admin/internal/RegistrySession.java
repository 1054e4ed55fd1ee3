package dev.switchboard.admin.internal;

import dev.switchboard.admin.ExitCodes;
import dev.switchboard.discovery.zk.ZkRegistryAdmin;
import dev.switchboard.discovery.zk.ZkRegistryConfig;
import dev.switchboard.rpc.registry.RegistryHealth;
import dev.switchboard.rpc.registry.RegistryUris;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One admin session on a registry, opened within a bounded time, with every library failure
 * turned into an {@link AdminException} carrying the command's exit code and a message that is
 * safe to print (the registry URI redacted by {@link RegistryUris#redact}).
 *
 * <p>Thread-safe (the admin is).
 */
public final class RegistrySession implements AutoCloseable {
  private final ZkRegistryAdmin admin;
  private final ZkRegistryConfig config;
  private final String redactedUri;

  private RegistrySession(ZkRegistryAdmin admin, ZkRegistryConfig config, String redactedUri) {
    this.admin = admin;
    this.config = config;
    this.redactedUri = redactedUri;
  }

  /** Wraps an admin the caller opened (tests); closing the session closes it. */
  public static RegistrySession of(ZkRegistryAdmin admin, ZkRegistryConfig config) {
    return new RegistrySession(admin, config, display(config));
  }

  /** The registry for messages: {@code zk://[***@]servers/root}, no parameters, no password. */
  public static String display(ZkRegistryConfig config) {
    return "zk://" + (config.user().isPresent() ? "***@" : "") + config.connectString()
        + config.root();
  }

  /**
   * Parses {@code uri} as {@link ZkRegistryConfig#fromUri} does (with {@code connectionTimeout}
   * set to {@code connectTimeout} and no disk snapshots unless the URI says otherwise).
   *
   * @throws AdminException ({@link ExitCodes#USAGE}) when the URI is missing or invalid
   */
  public static ZkRegistryConfig parse(String uri, Duration connectTimeout) {
    if (uri == null || uri.isBlank()) {
      throw new AdminException(ExitCodes.USAGE, "no registry given: use --registry"
          + " zk://host:port[/chroot] or set SWITCHBOARD_REGISTRY");
    }
    String redacted = RegistryUris.redact(uri);
    URI parsed;
    try {
      // new URI (not URI.create): its reason does not repeat the input, which may hold a password
      parsed = new URI(withDefaults(uri.trim(), connectTimeout));
    } catch (URISyntaxException e) {
      throw new AdminException(ExitCodes.USAGE, "invalid --registry " + redacted + ": "
          + e.getReason() + " at index " + e.getIndex());
    }
    try {
      return ZkRegistryConfig.fromUri(parsed);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new AdminException(ExitCodes.USAGE, "invalid --registry " + redacted + ": "
          + Texts.oneLine(e.getMessage()));
    }
  }

  /** Adds {@code connectionTimeout} and {@code snapshotDir=none} unless the URI sets them. */
  static String withDefaults(String uri, Duration connectTimeout) {
    StringBuilder out = new StringBuilder(uri);
    String query = uri.contains("?") ? uri.substring(uri.indexOf('?') + 1) : "";
    char separator = uri.contains("?") ? '&' : '?';
    if (!hasParameter(query, "connectionTimeout")) {
      out.append(separator).append("connectionTimeout=").append(connectTimeout);
      separator = '&';
    }
    if (!hasParameter(query, "snapshotDir")) {
      out.append(separator).append("snapshotDir=none");
    }
    return out.toString();
  }

  private static boolean hasParameter(String query, String name) {
    for (String pair : query.split("&")) {
      if (pair.equals(name) || pair.startsWith(name + "=")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Opens an admin session on {@code config} and waits until it has a ZooKeeper session, at most
   * the config's connection timeout (plus a second for the open itself).
   *
   * @throws AdminException ({@link ExitCodes#UNREACHABLE}) when no session comes in time
   */
  public static RegistrySession open(ZkRegistryConfig config) {
    return open(config, display(config));
  }

  /** As {@link #open(ZkRegistryConfig)}, naming the registry {@code redacted} in messages. */
  public static RegistrySession open(ZkRegistryConfig config, String redacted) {
    Duration timeout = config.connectionTimeout();
    long deadline = System.nanoTime() + timeout.toNanos();
    ExecutorService opener = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "switchboard-connect");
      thread.setDaemon(true);
      return thread;
    });
    Future<ZkRegistryAdmin> opening = opener.submit(() -> ZkRegistryAdmin.open(config));
    ZkRegistryAdmin admin;
    try {
      admin = opening.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // close it whenever the open returns; the caller exits meanwhile
      opener.submit(() -> {
        try {
          opening.get().close();
        } catch (Exception ignored) {
          // nothing to close
        }
      });
      throw unreachable(redacted, timeout);
    } catch (ExecutionException e) {
      throw translate(e.getCause(), redacted, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException(ExitCodes.UNREACHABLE, "interrupted while connecting to "
          + redacted);
    } finally {
      opener.shutdown();
    }
    RegistrySession session = new RegistrySession(admin, config, redacted);
    while (!connected(session.healthQuietly())) {
      if (System.nanoTime() > deadline) {
        closeInBackground(admin);
        throw unreachable(redacted, timeout);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeInBackground(admin);
        throw new AdminException(ExitCodes.UNREACHABLE, "interrupted while connecting to "
            + redacted);
      }
    }
    return session;
  }

  private RegistryHealth healthQuietly() {
    try {
      return admin.health();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean connected(RegistryHealth health) {
    return health != null && (RegistryHealth.CONNECTED.equals(health.session())
        || RegistryHealth.READ_ONLY.equals(health.session()));
  }

  private static void closeInBackground(ZkRegistryAdmin admin) {
    Thread closer = new Thread(() -> {
      try {
        admin.close();
      } catch (RuntimeException ignored) {
        // already failing
      }
    }, "switchboard-close");
    closer.setDaemon(true);
    closer.start();
  }

  private static AdminException unreachable(String redacted, Duration timeout) {
    return new AdminException(ExitCodes.UNREACHABLE, "registry " + redacted
        + " is unreachable: no ZooKeeper session within " + Texts.duration(timeout)
        + " (--connect-timeout)");
  }

  /** Returns the admin. */
  public ZkRegistryAdmin admin() {
    return admin;
  }

  /** Returns the registry configuration. */
  public ZkRegistryConfig config() {
    return config;
  }

  /** Returns the registry URI for messages, without credentials or parameter values. */
  public String redactedUri() {
    return redactedUri;
  }

  /** Runs {@code operation} on the admin, translating its failures. */
  public <T> T call(java.util.function.Function<ZkRegistryAdmin, T> operation) {
    try {
      return operation.apply(admin);
    } catch (AdminException e) {
      throw e;
    } catch (RuntimeException e) {
      AdminException translated = translate(e, redactedUri, config.connectionTimeout());
      // the admin fails with IllegalStateException when ZooKeeper cannot be reached
      if (translated.exitCode() == ExitCodes.FINDING && e instanceof IllegalStateException
          && !connected(healthQuietly())) {
        return rethrow(new AdminException(ExitCodes.UNREACHABLE, "registry " + redactedUri
            + " is unreachable: " + translated.getMessage()));
      }
      throw translated;
    }
  }

  private static <T> T rethrow(AdminException e) {
    throw e;
  }

  /** Runs {@code operation}, translating its failures. */
  public <T> T call(Supplier<T> operation) {
    return call(ignored -> operation.get());
  }

  /** Maps a library failure to the command's exit codes; the message is redacted. */
  static AdminException translate(Throwable failure, String redacted, Duration timeout) {
    if (failure instanceof AdminException admin) {
      return admin;
    }
    String message = Texts.oneLine(RegistryUris.redact(describe(failure)));
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String name = cause.getClass().getName();
      if (cause instanceof SecurityException || name.endsWith("KeeperException$NoAuthException")
          || name.endsWith("KeeperException$AuthFailedException")) {
        return new AdminException(ExitCodes.PERMISSION_DENIED, "permission denied: " + message);
      }
      if (name.endsWith("KeeperException$ConnectionLossException")
          || name.endsWith("KeeperException$SessionExpiredException")
          || name.endsWith("KeeperException$OperationTimeoutException")
          || name.endsWith("CuratorConnectionLossException")) {
        return new AdminException(ExitCodes.UNREACHABLE, "registry " + redacted
            + " is unreachable: " + message);
      }
    }
    if (failure instanceof IllegalArgumentException || failure instanceof NoSuchElementException) {
      return new AdminException(ExitCodes.NOT_FOUND, message);
    }
    return new AdminException(ExitCodes.FINDING, message);
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }

  @Override
  public void close() {
    admin.close();
  }
}
