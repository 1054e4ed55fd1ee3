package dev.switchboard.discovery.zk.internal;

import dev.switchboard.discovery.zk.ZkRegistryConfig;
import dev.switchboard.discovery.zk.ZkTls;
import dev.switchboard.rpc.registry.Names;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryListener;
import dev.switchboard.rpc.registry.Watch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.client.ZKClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper registry. One Curator client (owned or borrowed) and one executor thread on which
 * all registry work runs; Curator's own threads only hand events over.
 *
 * <p>Thread-safe.
 */
public final class ZkRegistryImpl implements Registry {
  private static final Logger logger = LoggerFactory.getLogger(ZkRegistryImpl.class);
  private static final long PERIODIC_CHECK_SECONDS = 30;

  private final CuratorFramework client;
  private final boolean ownsClient;
  private final String description;
  private final long connectionTimeoutMs;
  private final WatchSettings watchSettings;
  private final ScheduledExecutorService executor;
  private final Set<ZkRegistration> registrations = ConcurrentHashMap.newKeySet();
  private final Set<ServiceWatch> watches = ConcurrentHashMap.newKeySet();
  private final Map<String, AppInstances> apps = new HashMap<>(); // executor only
  private final AtomicBoolean closed = new AtomicBoolean();

  private ZkRegistryImpl(CuratorFramework client, boolean ownsClient, String description,
      WatchSettings watchSettings) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.description = description;
    this.connectionTimeoutMs = watchSettings.connectionTimeoutMs();
    this.watchSettings = watchSettings;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "switchboard-zk-registry");
      thread.setDaemon(true);
      return thread;
    });
    // Closing must not wait for timers (unreachability reports, retries) that are now moot.
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setRemoveOnCancelPolicy(true);
    this.executor = executor;
    client.getConnectionStateListenable().addListener((curator, state) -> {
      if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
        for (ZkRegistration registration : registrations) {
          registration.scheduleEnsure();
        }
      }
      if (state == ConnectionState.RECONNECTED) {
        resyncAll(); // whatever changed while we were away, including a node recreated
      }
      if (state == ConnectionState.LOST || state == ConnectionState.SUSPENDED) {
        logger.warn("ZooKeeper connection {} for registry {}; keeping the last known instances",
            state, description);
      }
    }, executor);
    executor.scheduleWithFixedDelay(this::selfCheck, PERIODIC_CHECK_SECONDS,
        PERIODIC_CHECK_SECONDS, TimeUnit.SECONDS);
  }

  /** Opens a registry with its own Curator client, connecting in the background. */
  public static ZkRegistryImpl open(ZkRegistryConfig config) {
    CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder();
    if (config.user().isPresent()) {
      builder.authorization("digest", (config.user().get() + ":" + config.password().get())
              .getBytes(StandardCharsets.UTF_8))
          .aclProvider(new RegistryAcls());
    }
    config.tls().ifPresent(tls -> builder.zkClientConfig(tlsClientConfig(tls)));
    CuratorFramework client = builder
        .connectString(config.connectString())
        .namespace(config.root().substring(1))
        .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
        .connectionTimeoutMs((int) config.connectionTimeout().toMillis())
        .retryPolicy(new ExponentialBackoffRetry(200, 3, 2_000))
        // The connect string is ours: never let the server's dynamic config rewrite it.
        .ensembleTracker(false)
        .build();
    client.start();
    SnapshotStore snapshots = config.snapshotDirectory()
        .map(base -> new SnapshotStore(SnapshotStore.directoryFor(base, config.connectString(),
            config.root()), config.snapshotMaxAge(), Clock.systemUTC()))
        .orElse(null);
    return new ZkRegistryImpl(client, true, config.toString(), new WatchSettings(
        config.connectionTimeout().toMillis(), config.debounce().toMillis(),
        config.dropProtection(), config.maxInstances(), snapshots,
        new AddressPolicy(config.allowLoopback())));
  }

  private static ZKClientConfig tlsClientConfig(ZkTls tls) {
    checkReadable(tls.trustStore().toString(), "trustStore");
    ZKClientConfig config = new ZKClientConfig();
    config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
    config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET,
        "org.apache.zookeeper.ClientCnxnSocketNetty");
    config.setProperty("zookeeper.ssl.trustStore.location", tls.trustStore().toString());
    config.setProperty("zookeeper.ssl.trustStore.password", tls.trustStorePassword());
    if (tls.keyStore() != null) {
      checkReadable(tls.keyStore().toString(), "keyStore");
      config.setProperty("zookeeper.ssl.keyStore.location", tls.keyStore().toString());
      config.setProperty("zookeeper.ssl.keyStore.password", tls.keyStorePassword());
    }
    return config;
  }

  private static void checkReadable(String path, String name) {
    if (!Files.isReadable(java.nio.file.Path.of(path))) {
      throw new IllegalArgumentException("ZooKeeper TLS " + name + " '" + path
          + "' does not exist or is not readable");
    }
  }

  /**
   * Uses {@code client} (started, its namespace being the registry root); the registry never
   * closes it.
   */
  public static ZkRegistryImpl using(CuratorFramework client, long connectionTimeoutMs) {
    ZkRegistryConfig defaults = ZkRegistryConfig.builder()
        .connectString(client.getZookeeperClient().getCurrentConnectionString()).build();
    return new ZkRegistryImpl(client, false,
        "zk://" + client.getZookeeperClient().getCurrentConnectionString() + "/"
            + client.getNamespace(), new WatchSettings(connectionTimeoutMs,
            defaults.debounce().toMillis(), defaults.dropProtection(),
            defaults.maxInstances(), null,
            new AddressPolicy(defaults.allowLoopback())));
  }

  @Override
  public Registration register(ProviderInstance instance) {
    checkOpen();
    ZkRegistration[] holder = new ZkRegistration[1];
    holder[0] = new ZkRegistration(client, executor, instance,
        () -> registrations.remove(holder[0]));
    registrations.add(holder[0]);
    holder[0].scheduleEnsure();
    return holder[0];
  }

  @Override
  public Watch watch(String service, RegistryListener listener) {
    checkOpen();
    Names.checkServiceName(service);
    ServiceWatch watch = new ServiceWatch(this, client, service, listener, executor,
        watchSettings);
    watches.add(watch);
    return watch;
  }

  /** Returns the shared cache of {@code app}'s instances, starting it if new. Executor only. */
  AppInstances acquireApp(String app) {
    AppInstances instances = apps.computeIfAbsent(app, name -> {
      AppInstances created = new AppInstances(client, name, executor,
          watchSettings.addresses(), this::refreshAll);
      created.start();
      return created;
    });
    instances.references++;
    return instances;
  }

  /** Releases a reference taken by {@link #acquireApp}. Executor only. */
  void releaseApp(AppInstances instances, String app) {
    if (--instances.references == 0) {
      apps.remove(app);
      instances.close();
    }
  }

  void watchClosed(ServiceWatch watch) {
    watches.remove(watch);
  }

  String describe() {
    return description;
  }

  private void refreshAll() {
    for (ServiceWatch watch : watches) {
      watch.changed();
    }
  }

  private void resyncAll() {
    if (closed.get()) {
      return;
    }
    logger.info("Reconnected to ZooKeeper registry {}; re-reading every watched node",
        description);
    for (AppInstances instances : apps.values()) {
      instances.resync();
    }
    for (ServiceWatch watch : watches) {
      watch.resync();
    }
  }

  private void selfCheck() {
    for (ZkRegistration registration : registrations) {
      registration.scheduleEnsure();
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("registry " + description + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (ZkRegistration registration : List.copyOf(registrations)) {
      registration.close(connectionTimeoutMs);
    }
    for (ServiceWatch watch : List.copyOf(watches)) {
      watch.close();
    }
    executor.execute(() -> {
      for (AppInstances instances : apps.values()) {
        instances.close();
      }
      apps.clear();
    });
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "ZkRegistry{" + description + "}";
  }
}
