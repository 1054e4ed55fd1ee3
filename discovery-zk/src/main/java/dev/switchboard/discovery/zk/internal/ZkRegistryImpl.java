package dev.switchboard.discovery.zk.internal;

import dev.switchboard.discovery.zk.ZkRegistryConfig;
import dev.switchboard.discovery.zk.ZkTls;
import dev.switchboard.rpc.registry.Names;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.Registration;
import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryHealth;
import dev.switchboard.rpc.registry.RegistryListener;
import dev.switchboard.rpc.registry.Watch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>{@link #health()} reads figures kept where the events happen: the session state, written
 * on Curator's event thread as each state change arrives (so it is current even while the
 * registry thread is busy retrying a write), counters (atomics) incremented by the
 * registrations, the caches and the watches, and each watch's volatile fields. It takes no lock
 * that registry work holds and does no I/O, so it is cheap and safe to call from any thread, as
 * often as metrics are collected.
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
  private final AtomicBoolean closed = new AtomicBoolean();
  // Health figures.
  private final AtomicReference<String> session = new AtomicReference<>(); // null: never yet
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong reRegistrations = new AtomicLong();
  private final SkippedNodes skippedNodes = new SkippedNodes();
  private final Map<String, WatchedService> watchedServices = new ConcurrentHashMap<>();
  private final ConnectionStateListener stateListener = (curator, state) ->
      RegistryExecutor.guarded("Noting connection state " + state + " of registry "
          + describe(), () -> noteConnectionState(state)).run();
  private final Set<ZkRegistration> registrations = ConcurrentHashMap.newKeySet();
  private final ServiceEntries serviceEntries = new ServiceEntries(); // on the executor only
  private final Set<ServiceWatch> watches = ConcurrentHashMap.newKeySet();
  // Changed on the executor only; concurrent so that close() can finish its work if it hangs.
  private final Map<String, AppInstances> apps = new ConcurrentHashMap<>();

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
    client.getConnectionStateListenable().addListener(stateListener);
    // A borrowed client may be connected already: no CONNECTED event will come for it.
    if (client.getZookeeperClient().isConnected()) {
      session.compareAndSet(null, RegistryHealth.CONNECTED);
    }
    long period = timing.selfCheckPeriod().toNanos();
    executor.scheduleWithFixedDelay(this::selfCheck, period, period, TimeUnit.NANOSECONDS);
  }

  // Runs on Curator's event thread: notes the state for health() at once (the registry thread
  // may be busy retrying a write for seconds) and hands the work over to the registry thread.
  private void noteConnectionState(ConnectionState state) {
    if (closed.get()) {
      return;
    }
    // The reconnect count first: whoever reads the new state also reads the new count.
    long generation = state == ConnectionState.RECONNECTED
        ? reconnects.incrementAndGet() : reconnects.get();
    session.set(sessionState(state));
    executor.execute(RegistryExecutor.guarded("Handling connection state " + state
        + " of registry " + description, () -> connectionStateChanged(state, generation)));
  }

  private static String sessionState(ConnectionState state) {
    return switch (state) {
      case CONNECTED, RECONNECTED -> RegistryHealth.CONNECTED;
      case SUSPENDED -> RegistryHealth.SUSPENDED;
      case LOST -> RegistryHealth.LOST;
      case READ_ONLY -> RegistryHealth.READ_ONLY;
    };
  }

  private void connectionStateChanged(ConnectionState state, long generation) {
    if (closed.get()) {
      return;
    }
    if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
      for (ZkRegistration registration : registrations) {
        registration.connected();
      }
    }
    if (state == ConnectionState.CONNECTED) {
      for (AppInstances instances : apps.values()) {
        instances.retryIfUnread();
      }
      for (ServiceWatch watch : watches) {
        watch.retryIfUnread();
      }
    }
    if (state == ConnectionState.RECONNECTED) {
      resyncAll(generation); // whatever changed while we were away, including a node recreated
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
    return create(newClient(config), true, config, timing);
  }

  /**
   * Returns a registry for {@code config} on {@code client} (started, built by
   * {@link #newClient}), closing the client on close if it {@code owns} it.
   */
  static ZkRegistryImpl create(CuratorFramework client, boolean owns, ZkRegistryConfig config,
      RegistryTiming timing) {
    SnapshotStore snapshots = config.snapshotDirectory()
        .map(base -> new SnapshotStore(SnapshotStore.directoryFor(base, config.connectString(),
            config.root()), config.snapshotMaxAge(), timing.clock()))
        .orElse(null);
    return new ZkRegistryImpl(client, owns, config.toString(), new WatchSettings(
        config.connectionTimeout().toMillis(), config.debounce().toMillis(),
        config.dropProtection(), config.maxInstances(), snapshots,
        new AddressPolicy(config.allowLoopback())), timing);
  }

  /**
   * Returns a started Curator client for {@code config}: its root as the namespace, its digest
   * credentials (and then {@link RegistryAcls} for every node it creates), its TLS settings.
   */
  static CuratorFramework newClient(ZkRegistryConfig config) {
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
    return client;
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
    holder[0] = new ZkRegistration(client, executor, serviceEntries, instance,
        () -> registrations.remove(holder[0]), reRegistrations::incrementAndGet);
    registrations.add(holder[0]);
    holder[0].scheduleEnsure();
    return holder[0];
  }

  @Override
  public Watch watch(String service, RegistryListener listener) {
    checkOpen();
    Names.checkServiceName(service);
    WatchedService shared = watchedServices.compute(service, (name, existing) -> {
      WatchedService entry = existing == null ? new WatchedService() : existing;
      entry.watches++;
      return entry;
    });
    ServiceWatch watch = new ServiceWatch(this, client, service, listener, executor,
        watchSettings, timing, shared.massDropHolds);
    watches.add(watch);
    // A reconnect handled between the watch's start and now did not resync it; its caches
    // read after that reconnect anyway.
    watch.readAfter(reconnects.get());
    return watch;
  }

  /**
   * Returns the state of this registry's session, registrations, skipped nodes and watched
   * services; see {@code docs/registry.md} for what each figure counts.
   *
   * <ul>
   *   <li>{@code session}: Curator's last connection state ({@code RECONNECTED} is
   *       {@link RegistryHealth#CONNECTED}); {@link RegistryHealth#LOST} before the first
   *       connection, when there is no session yet.
   *   <li>{@code reRegistrations}: writes that re-created a registration's node after it had
   *       existed (deleted, or gone or replaced after a session expiry); the first creation,
   *       adopting a node our session already owns and data updates do not count.
   *   <li>{@code invalidNodesSkipped}: node versions left out of a view as unreadable, each
   *       counted once however often it is re-read ({@link SkippedNodes}; invalid operator
   *       override nodes included), plus invalid or
   *       refused entries of a disk snapshot, each time a watch reads it.
   *   <li>per watched service: the size of the view last delivered; whether it is the last
   *       known good one (the session cannot read, the view is the disk snapshot, or the full
   *       re-read after a reconnect has not completed); the mass drops held since the service
   *       has been watched; the age of the disk snapshot while the view is one.
   * </ul>
   *
   * <p>Several watches of one service are merged: the largest view; last known good if any of
   * them is; holds counted across them (each watch's protection holds on its own; the count
   * stays while any watch of the service is open); the oldest snapshot age if any of them is
   * on a snapshot.
   *
   * <p>Thread-safe and cheap: no lock taken by registry work, no I/O.
   */
  @Override
  public RegistryHealth health() {
    String state = session.get(); // before the reconnect count: see noteConnectionState
    long generation = reconnects.get();
    if (state == null) {
      state = RegistryHealth.LOST;
    }
    boolean readable = state.equals(RegistryHealth.CONNECTED)
        || state.equals(RegistryHealth.READ_ONLY);
    Map<String, RegistryHealth.ServiceHealth> services = new HashMap<>();
    for (ServiceWatch watch : watches) {
      RegistryHealth.ServiceHealth health = watch.health(readable, generation);
      if (health != null) {
        services.merge(watch.service(), health, ZkRegistryImpl::merge);
      }
    }
    return new RegistryHealth(state, reRegistrations.get(), skippedNodes.count(), services);
  }

  private static RegistryHealth.ServiceHealth merge(RegistryHealth.ServiceHealth a,
      RegistryHealth.ServiceHealth b) {
    Optional<Duration> age = a.snapshotAge().isEmpty() ? b.snapshotAge()
        : b.snapshotAge().isEmpty() ? a.snapshotAge()
        : Optional.of(a.snapshotAge().get().compareTo(b.snapshotAge().get()) >= 0
            ? a.snapshotAge().get() : b.snapshotAge().get());
    return new RegistryHealth.ServiceHealth(Math.max(a.instances(), b.instances()),
        a.holdingLastKnownGood() || b.holdingLastKnownGood(),
        Math.max(a.massDropHolds(), b.massDropHolds()), age);
  }

  /** What the open watches of one service share. */
  private static final class WatchedService {
    final AtomicLong massDropHolds = new AtomicLong();
    int watches; // changed only inside watchedServices.compute
  }

  /** Returns the counter of skipped nodes, shared by the caches and watches. */
  SkippedNodes skippedNodes() {
    return skippedNodes;
  }

  /** Returns how many times the session reconnected (each one resyncs every cache). */
  long reconnectGeneration() {
    return reconnects.get();
  }

  /**
   * Returns the shared cache of {@code app}'s instances, starting it if new, and has
   * {@code onChange} run after each of its changes. Executor only.
   */
  AppInstances acquireApp(String app, Runnable onChange) {
    AppInstances instances = apps.computeIfAbsent(app, name -> {
      AppInstances created = new AppInstances(client, name, executor,
          watchSettings.addresses(), timing.clock(), skippedNodes);
      created.start();
      return created;
    });
    instances.subscribe(onChange);
    return instances;
  }

  /** Releases a subscription taken by {@link #acquireApp}. Executor only. */
  void releaseApp(AppInstances instances, String app, Runnable onChange) {
    if (instances.unsubscribe(onChange)) {
      apps.remove(app);
      instances.close();
    }
  }

  void watchClosed(ServiceWatch watch) {
    if (watches.remove(watch)) {
      watchedServices.computeIfPresent(watch.service(),
          (name, entry) -> --entry.watches == 0 ? null : entry);
    }
  }

  String describe() {
    return description;
  }

  private void resyncAll(long generation) {
    if (closed.get()) {
      return;
    }
    logger.info("Reconnected to ZooKeeper registry {}; reading every watched node again",
        description);
    for (AppInstances instances : apps.values()) {
      instances.resync();
    }
    for (ServiceWatch watch : watches) {
      watch.resync(generation);
    }
  }

  // Periodic: each registration is checked on its own, so one failure never stops the others
  // (and the executor guards the whole run, so a failure never cancels the next one), and so is
  // every service entry, known or not.
  private void selfCheck() {
    selfCheckHook.run();
    serviceEntries.forget();
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
