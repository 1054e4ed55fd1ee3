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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.WatcherRemoveCuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.client.ZKClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper registry. One Curator client (owned or borrowed) and one executor thread on which
 * all registry work runs; Curator's own threads only hand events over. Every task on that thread
 * is guarded ({@link RegistryExecutor}): a failure is logged and never ends the periodic
 * self-check.
 *
 * <p>On a borrowed client, {@link #close()} leaves nothing behind: the connection-state listener
 * is removed, every cache is closed and every ZooKeeper watcher the registry set is removed, so
 * later events on the client never reach the closed registry.
 *
 * <p>Thread-safe.
 */
public final class ZkRegistryImpl implements Registry {
  private static final Logger logger = LoggerFactory.getLogger(ZkRegistryImpl.class);

  private final CuratorFramework ownedClient;
  private final WatcherRemoveCuratorFramework client;
  private final String description;
  private final long connectionTimeoutMs;
  private final WatchSettings watchSettings;
  private final RegistryTiming timing;
  private final RegistryExecutor executor;
  private final ConnectionStateListener stateListener = (curator, state) ->
      RegistryExecutor.guarded("Handling connection state " + state + " of registry "
          + describe(), () -> connectionStateChanged(state)).run();
  private final Set<ZkRegistration> registrations = ConcurrentHashMap.newKeySet();
  private final Set<ServiceWatch> watches = ConcurrentHashMap.newKeySet();
  // Changed on the executor only; concurrent so that close() can finish its work if it hangs.
  private final Map<String, AppInstances> apps = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ZkRegistryImpl(CuratorFramework client, boolean ownsClient, String description,
      WatchSettings watchSettings, RegistryTiming timing) {
    this.ownedClient = ownsClient ? client : null;
    // Every watcher set through this facade is removed on close (the client may be borrowed).
    this.client = client.newWatcherRemoveCuratorFramework();
    this.description = description;
    this.connectionTimeoutMs = watchSettings.connectionTimeoutMs();
    this.watchSettings = watchSettings;
    this.timing = timing;
    this.executor = new RegistryExecutor(description);
    client.getConnectionStateListenable().addListener(stateListener, executor);
    long period = timing.selfCheckPeriod().toNanos();
    executor.scheduleWithFixedDelay(this::selfCheck, period, period, TimeUnit.NANOSECONDS);
  }

  private void connectionStateChanged(ConnectionState state) {
    if (closed.get()) {
      return;
    }
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
  }

  /** Opens a registry with its own Curator client, connecting in the background. */
  public static ZkRegistryImpl open(ZkRegistryConfig config) {
    return open(config, RegistryTiming.SYSTEM);
  }

  /** As {@link #open(ZkRegistryConfig)}, taking time from {@code timing}. */
  static ZkRegistryImpl open(ZkRegistryConfig config, RegistryTiming timing) {
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
            config.root()), config.snapshotMaxAge(), timing.clock()))
        .orElse(null);
    return new ZkRegistryImpl(client, true, config.toString(), new WatchSettings(
        config.connectionTimeout().toMillis(), config.debounce().toMillis(),
        config.dropProtection(), config.maxInstances(), snapshots,
        new AddressPolicy(config.allowLoopback())), timing);
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
    return using(client, connectionTimeoutMs, RegistryTiming.SYSTEM);
  }

  /** As {@link #using(CuratorFramework, long)}, taking time from {@code timing}. */
  static ZkRegistryImpl using(CuratorFramework client, long connectionTimeoutMs,
      RegistryTiming timing) {
    ZkRegistryConfig defaults = ZkRegistryConfig.builder()
        .connectString(client.getZookeeperClient().getCurrentConnectionString()).build();
    return new ZkRegistryImpl(client, false,
        "zk://" + client.getZookeeperClient().getCurrentConnectionString() + "/"
            + client.getNamespace(), new WatchSettings(connectionTimeoutMs,
            defaults.debounce().toMillis(), defaults.dropProtection(),
            defaults.maxInstances(), null,
            new AddressPolicy(defaults.allowLoopback())), timing);
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
        watchSettings, timing);
    watches.add(watch);
    return watch;
  }

  /** Returns the shared cache of {@code app}'s instances, starting it if new. Executor only. */
  AppInstances acquireApp(String app) {
    AppInstances instances = apps.computeIfAbsent(app, name -> {
      AppInstances created = new AppInstances(client, name, executor,
          watchSettings.addresses(), timing.clock(), this::refreshAll);
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

  // Periodic: each registration is checked on its own, so one failure never stops the others
  // (and the executor guards the whole run, so a failure never cancels the next one).
  private void selfCheck() {
    selfCheckHook.run();
    for (ZkRegistration registration : registrations) {
      RegistryExecutor.guarded("Self-check of " + registration.path() + " in registry "
          + description, registration::scheduleEnsure).run();
    }
  }

  /** Test hook: runs at the start of every self-check. */
  volatile Runnable selfCheckHook = () -> { };

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
    client.getConnectionStateListenable().removeListener(stateListener);
    for (ZkRegistration registration : List.copyOf(registrations)) {
      registration.close(connectionTimeoutMs);
    }
    for (ServiceWatch watch : List.copyOf(watches)) {
      watch.close();
    }
    executor.execute(this::closeApps);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
        executor.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (!executor.isTerminated()) {
      logger.warn("Registry {} did not stop its work within 6 s; closing its caches anyway",
          description);
    }
    // Idempotent: after a timely shutdown the executor has done all of it already.
    for (ServiceWatch watch : List.copyOf(watches)) {
      watch.closeCaches();
    }
    closeApps();
    client.removeWatchers();
    if (ownedClient != null) {
      ownedClient.close();
    }
  }

  private void closeApps() {
    for (AppInstances instances : apps.values()) {
      instances.close();
    }
    apps.clear();
  }

  @Override
  public String toString() {
    return "ZkRegistry{" + description + "}";
  }
}
