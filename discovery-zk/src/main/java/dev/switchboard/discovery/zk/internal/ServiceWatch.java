package dev.switchboard.discovery.zk.internal;

import dev.switchboard.rpc.registry.Names;
import dev.switchboard.rpc.registry.ProviderInstance;
import dev.switchboard.rpc.registry.RegistryHealth;
import dev.switchboard.rpc.registry.RegistryListener;
import dev.switchboard.rpc.registry.ServiceInstance;
import dev.switchboard.rpc.registry.Watch;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one service: which applications provide it ({@code /v1/services/{service}}), and the
 * instances of each, with their operators' overrides applied ({@link AppInstances}). Publishes
 * full snapshots, defensively:
 *
 * <ul>
 *   <li>changes are gathered for the debounce period, so a burst becomes one snapshot (the first
 *       snapshot is never delayed);
 *   <li>instances with the same host and port are deduplicated, the newest registration (by
 *       creation zxid) winning; beyond {@code maxInstances}, only the oldest registrations are
 *       kept;
 *   <li>a mass drop (fewer than half the instances, or none) is held for the protection window,
 *       with a loud warning ({@link DropProtection});
 *   <li>connection trouble keeps the last snapshot; after a reconnect every node is read again
 *       and only real differences passed on ({@link ChildrenCache});
 *   <li>each live snapshot is saved to disk; a consumer that starts while ZooKeeper is
 *       unreachable uses the saved one (warned as stale) after the connection timeout, or gets
 *       {@code onError(UNAVAILABLE)} naming the registry if there is none.
 * </ul>
 *
 * <p>Intervals are measured with the registry's nano ticker and ages with its clock
 * ({@link RegistryTiming}), so tests can drive them. All state is confined to the registry
 * executor, except the figures {@link #health} reads: volatile fields and atomics, written where
 * the events happen, read from any thread.
 */
final class ServiceWatch implements Watch {
  private static final Logger logger = LoggerFactory.getLogger(ServiceWatch.class);

  private final ZkRegistryImpl registry;
  private final String service;
  private final RegistryListener listener;
  private final ScheduledExecutorService executor;
  private final WatchSettings settings;
  private final ChildrenCache providers;
  private final String providersPath;
  private final Map<String, AppInstances> apps = new HashMap<>();
  private final Runnable appChanged = this::changed; // one identity to subscribe and unsubscribe
  private final DropProtection protection;
  private final LongSupplier nanoTicker;
  private final Clock clock;
  private final SkippedNodes.Reader badApplications;
  // Health figures, read by health() from any thread.
  private final AtomicLong massDropHolds; // shared by the watches of this service
  private final AtomicLong readingFor; // the reconnect generation the caches are read for
  private volatile long readFor; // the generation the last view was wholly read for
  private volatile int deliveredSize = -1; // -1 until a view is delivered
  private volatile Instant snapshotWrittenAt; // non-null while the view is the disk snapshot
  private volatile boolean closed;
  private boolean live;
  private boolean servingSnapshot;
  private boolean overCap;
  private List<ServiceInstance> lastLive;
  private List<ServiceInstance> lastDelivered;
  private ScheduledFuture<?> pendingRefresh;
  private ScheduledFuture<?> holdCheck;

  ServiceWatch(ZkRegistryImpl registry, CuratorFramework client, String service,
      RegistryListener listener, ScheduledExecutorService executor, WatchSettings settings,
      RegistryTiming timing, AtomicLong massDropHolds) {
    this.registry = registry;
    this.massDropHolds = massDropHolds;
    this.badApplications = registry.skippedNodes().reader();
    long generation = registry.reconnectGeneration();
    this.readingFor = new AtomicLong(generation);
    this.readFor = generation;
    this.service = service;
    this.listener = listener;
    this.executor = executor;
    this.settings = settings;
    this.protection = new DropProtection(settings.dropProtection().toNanos());
    this.nanoTicker = timing.nanoTicker();
    this.clock = timing.clock();
    this.providersPath = RegistryLayout.providers(service);
    this.providers = new ChildrenCache(client, providersPath, false, executor, this::changed,
        this::changed);
    executor.execute(providers::start);
    executor.schedule(this::useSnapshotIfUnreachable, settings.connectionTimeoutMs(),
        TimeUnit.MILLISECONDS);
  }

  /** Notes that something changed; publishes after the debounce period. Executor only. */
  private void changed() {
    if (closed) {
      return;
    }
    if (!live || settings.debounceMs() == 0) {
      refresh();
    } else if (pendingRefresh == null) {
      pendingRefresh = executor.schedule(() -> {
        pendingRefresh = null;
        refresh();
      }, settings.debounceMs(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Notes the reconnect numbered {@code generation}: until every cache of this watch has read
   * its nodes again the view counts as last known good. Executor only.
   */
  void resync(long generation) {
    readAfter(generation);
    providers.resync();
  }

  /** Reads again what could not be read before the first connection. Executor only. */
  void retryIfUnread() {
    providers.retryIfUnread();
  }

  /**
   * Notes that this watch's caches are read after the reconnect numbered {@code generation} (a
   * watch started while that reconnect was being handled). Any thread.
   */
  void readAfter(long generation) {
    readingFor.accumulateAndGet(generation, Math::max);
  }

  String service() {
    return service;
  }

  private void refresh() {
    if (closed || !providers.initialized()) {
      return;
    }
    Set<String> wanted = new HashSet<>();
    Map<String, Long> invalid = new HashMap<>();
    for (ChildrenCache.Child child : providers.children()) {
      if (Names.isValidApplicationName(child.name())) {
        wanted.add(child.name());
      } else {
        invalid.put(child.path(), child.mzxid());
      }
    }
    for (String path : badApplications.report(invalid)) {
      logger.warn("Skipping registry node {}: '{}' is not a valid application name", path,
          ZKPaths.getNodeFromPath(path));
    }
    for (String app : List.copyOf(apps.keySet())) {
      if (!wanted.contains(app)) {
        registry.releaseApp(apps.remove(app), app, appChanged);
      }
    }
    for (String app : wanted) {
      if (!apps.containsKey(app)) {
        apps.put(app, registry.acquireApp(app, appChanged));
      }
    }
    for (AppInstances instances : apps.values()) {
      if (!instances.initialized()) {
        return; // wait for every application's first read: a partial view is not a snapshot
      }
    }
    List<ProviderInstance> current = liveInstances();
    List<ServiceInstance> view = current.stream().map(i -> i.forService(service)).toList();
    if (!live) {
      live = true;
      snapshotWrittenAt = null;
      if (servingSnapshot) {
        logger.info("ZooKeeper registry {} answered: {} now has {} live instances (replacing"
            + " the disk snapshot)", registry.describe(), service, view.size());
        protection.reset(); // the snapshot is no baseline for mass-drop protection
      }
    }
    if (!view.equals(lastLive)) {
      lastLive = view;
      if (settings.snapshots() != null && !view.isEmpty()) {
        settings.snapshots().write(service, current);
      }
    }
    if (!providers.resyncing() && apps.values().stream().noneMatch(AppInstances::resyncing)) {
      readFor = readingFor.get();
    }
    deliver(protect(view));
  }

  private List<ServiceInstance> protect(List<ServiceInstance> view) {
    List<ServiceInstance> published = protection.apply(view, nanoTicker.getAsLong());
    if (protection.lastOutcome() == DropProtection.Outcome.STARTED_HOLDING) {
      massDropHolds.incrementAndGet();
    }
    switch (protection.lastOutcome()) {
      case STARTED_HOLDING -> logger.warn("REGISTRY MASS DROP: {} instances of {} in {} fell to"
              + " {} at once; keeping the vanished ones for {} (dropProtection) in case the"
              + " registry data is wrong", protection.trustedSize(), service,
          registry.describe(), view.size(), settings.dropProtection());
      case EXPIRED -> logger.warn("Registry mass drop of {} lasted {}: believing it, {} instances"
          + " left", service, settings.dropProtection(), view.size());
      case RELEASED -> logger.info("Registry mass drop of {} is over: {} instances", service,
          view.size());
      default -> { }
    }
    if (holdCheck != null) {
      holdCheck.cancel(false);
      holdCheck = null;
    }
    if (protection.holding()) {
      long delay = Math.max(0, protection.holdEndsAtNanos() - nanoTicker.getAsLong());
      holdCheck = executor.schedule(this::refresh, delay, TimeUnit.NANOSECONDS);
    }
    return published;
  }

  /** Returns the valid instances offering the service, one per host:port, oldest first. */
  private List<ProviderInstance> liveInstances() {
    List<AppInstances.CachedInstance> offering = new ArrayList<>();
    for (AppInstances instances : apps.values()) {
      for (AppInstances.CachedInstance cached : instances.instances()) {
        if (cached.instance().forService(service) != null) {
          offering.add(cached);
        }
      }
    }
    List<AppInstances.CachedInstance> ordered = onePerEndpoint(offering);
    if (ordered.size() > settings.maxInstances()) {
      if (!overCap) {
        logger.warn("REGISTRY INSTANCE CAP: {} lists {} instances in {}, more than maxInstances"
                + " {}; keeping the {} oldest registrations and skipping the rest",
            service, ordered.size(), registry.describe(), settings.maxInstances(),
            settings.maxInstances());
      }
      overCap = true;
      ordered = ordered.subList(0, settings.maxInstances());
    } else {
      overCap = false;
    }
    return ordered.stream().map(AppInstances.CachedInstance::instance).toList();
  }

  /**
   * Returns {@code instances} with one instance per host:port, the newest registration (by
   * creation zxid) winning, oldest first: two live registrations of one address (two processes,
   * or a restart that reused the port) are one endpoint.
   */
  static List<AppInstances.CachedInstance> onePerEndpoint(
      Iterable<AppInstances.CachedInstance> instances) {
    Map<String, AppInstances.CachedInstance> byEndpoint = new HashMap<>();
    for (AppInstances.CachedInstance cached : instances) {
      String endpoint = cached.instance().host() + ":" + cached.instance().port();
      byEndpoint.merge(endpoint, cached, (a, b) -> a.czxid() >= b.czxid() ? a : b);
    }
    List<AppInstances.CachedInstance> ordered = new ArrayList<>(byEndpoint.values());
    ordered.sort(Comparator.comparingLong(AppInstances.CachedInstance::czxid));
    return ordered;
  }

  private void deliver(List<ServiceInstance> snapshot) {
    if (closed || snapshot.equals(lastDelivered)) {
      return;
    }
    lastDelivered = snapshot;
    deliveredSize = snapshot.size();
    listener.onSnapshot(snapshot);
  }

  private void useSnapshotIfUnreachable() {
    if (closed || lastDelivered != null) {
      return;
    }
    Optional<SnapshotStore.Snapshot> saved = settings.snapshots() == null ? Optional.empty()
        : settings.snapshots().read(service);
    List<ProviderInstance> acceptable = saved.map(s -> s.instances().stream()
        .filter(i -> settings.addresses().rejectReason(i.host()) == null).toList())
        .orElse(List.of());
    saved.ifPresent(s -> registry.skippedNodes().add(s.skipped() + s.instances().size()
        - acceptable.size()));
    List<ServiceInstance> instances = acceptable.stream().map(i -> i.forService(service))
        .filter(i -> i != null).toList();
    if (instances.isEmpty()) {
      listener.onError(Status.UNAVAILABLE.withDescription("ZooKeeper registry "
          + registry.describe() + " is unreachable: no instance of " + service
          + " known yet (still trying)"));
      return;
    }
    servingSnapshot = true;
    snapshotWrittenAt = saved.get().writtenAt();
    logger.warn("STALE REGISTRY DATA: ZooKeeper registry {} is unreachable; serving {} instances"
            + " of {} from the disk snapshot written at {} ({} ago) until it answers",
        registry.describe(), instances.size(), service, saved.get().writtenAt(),
        Duration.between(saved.get().writtenAt(), clock.instant()).withNanos(0));
    deliver(instances);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    executor.execute(() -> {
      providers.close();
      badApplications.close();
      for (Map.Entry<String, AppInstances> entry : apps.entrySet()) {
        registry.releaseApp(entry.getValue(), entry.getKey(), appChanged);
      }
      apps.clear();
      registry.watchClosed(this);
    });
  }

  /**
   * Closes this watch's own cache; for the registry's close, after its executor has stopped (or
   * failed to). Idempotent.
   */
  void closeCaches() {
    providers.close();
    badApplications.close();
  }

  /**
   * Returns what this watch's consumers are given, or {@code null} once it is closed. Any
   * thread; reads volatile fields and atomics only.
   *
   * @param readable whether the registry's session can read ZooKeeper now (connected or
   *     read-only)
   * @param generation the registry's reconnect count, read after {@code readable}
   */
  RegistryHealth.ServiceHealth health(boolean readable, long generation) {
    if (closed) {
      return null;
    }
    int delivered = deliveredSize;
    Instant snapshot = snapshotWrittenAt;
    boolean lastKnownGood = delivered >= 0
        && (snapshot != null || !readable || readFor < generation);
    Optional<Duration> age = snapshot == null ? Optional.empty()
        : Optional.of(max(Duration.ZERO, Duration.between(snapshot, clock.instant())));
    return new RegistryHealth.ServiceHealth(Math.max(delivered, 0), lastKnownGood,
        massDropHolds.get(), age);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
