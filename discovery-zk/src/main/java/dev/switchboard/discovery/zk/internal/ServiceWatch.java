package dev.switchboard.discovery.zk.internal;

import dev.switchboard.rpc.registry.Names;
import dev.switchboard.rpc.registry.RegistryListener;
import dev.switchboard.rpc.registry.ServiceInstance;
import dev.switchboard.rpc.registry.Watch;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;

/**
 * Watches one service: which applications provide it ({@code /v1/services/{service}}), and the
 * instances of each. Delivers a full snapshot whenever the set of valid instances changes.
 * Instances with the same host and port are deduplicated, the newest registration winning.
 *
 * <p>While nothing is known yet and ZooKeeper stays unreachable past the connection timeout,
 * the listener gets {@code onError(UNAVAILABLE)} naming the registry, so calls fail fast with a
 * clear status instead of waiting for their deadline.
 *
 * <p>All state is confined to the registry executor.
 */
final class ServiceWatch implements Watch {
  private final ZkRegistryImpl registry;
  private final String service;
  private final RegistryListener listener;
  private final ScheduledExecutorService executor;
  private final CuratorCache providers;
  private final String providersPath;
  private final Map<String, AppInstances> apps = new HashMap<>();
  private volatile boolean closed;
  private boolean providersInitialized;
  private List<ServiceInstance> lastDelivered;

  ServiceWatch(ZkRegistryImpl registry, CuratorFramework client, String service,
      RegistryListener listener, ScheduledExecutorService executor, long connectionTimeoutMs) {
    this.registry = registry;
    this.service = service;
    this.listener = listener;
    this.executor = executor;
    this.providersPath = RegistryLayout.providers(service);
    this.providers = CuratorCache.build(client, providersPath);
    providers.listenable().addListener(CuratorCacheListener.builder()
        .afterInitialized()
        .forAll((type, before, after) -> refresh())
        .forInitialized(() -> {
          providersInitialized = true;
          refresh();
        })
        .build(), executor);
    executor.execute(providers::start);
    executor.schedule(this::reportIfUnreachable, connectionTimeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Re-reads the caches and delivers a snapshot if it changed. Runs on the executor. */
  void refresh() {
    if (closed || !providersInitialized) {
      return;
    }
    Set<String> wanted = new HashSet<>();
    providers.stream().forEach(child -> {
      if (ZKPaths.getPathAndNode(child.getPath()).getPath().equals(providersPath)
          && !child.getPath().equals(providersPath)) {
        wanted.add(ZKPaths.getNodeFromPath(child.getPath()));
      }
    });
    for (String app : List.copyOf(apps.keySet())) {
      if (!wanted.contains(app)) {
        registry.releaseApp(apps.remove(app), app);
      }
    }
    for (String app : wanted) {
      if (!apps.containsKey(app) && Names.isValidApplicationName(app)) {
        apps.put(app, registry.acquireApp(app));
      }
    }
    for (AppInstances instances : apps.values()) {
      if (!instances.initialized()) {
        return; // wait for every application's first read: a partial view is not a snapshot
      }
    }
    deliver(snapshot());
  }

  private List<ServiceInstance> snapshot() {
    Map<String, AppInstances.CachedInstance> byEndpoint = new HashMap<>();
    for (AppInstances instances : apps.values()) {
      for (AppInstances.CachedInstance cached : instances.instances()) {
        if (cached.instance().forService(service) == null) {
          continue;
        }
        String endpoint = cached.instance().host() + ":" + cached.instance().port();
        byEndpoint.merge(endpoint, cached,
            (a, b) -> a.czxid() >= b.czxid() ? a : b);
      }
    }
    List<AppInstances.CachedInstance> ordered = new ArrayList<>(byEndpoint.values());
    ordered.sort(Comparator.comparingLong(AppInstances.CachedInstance::czxid));
    List<ServiceInstance> snapshot = new ArrayList<>(ordered.size());
    for (AppInstances.CachedInstance cached : ordered) {
      snapshot.add(cached.instance().forService(service));
    }
    return List.copyOf(snapshot);
  }

  private void deliver(List<ServiceInstance> snapshot) {
    if (closed || snapshot.equals(lastDelivered)) {
      return;
    }
    lastDelivered = snapshot;
    listener.onSnapshot(snapshot);
  }

  private void reportIfUnreachable() {
    if (!closed && lastDelivered == null) {
      listener.onError(Status.UNAVAILABLE.withDescription("ZooKeeper registry "
          + registry.describe() + " is unreachable: no instance of " + service
          + " known yet (still trying)"));
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    executor.execute(() -> {
      providers.close();
      for (Map.Entry<String, AppInstances> entry : apps.entrySet()) {
        registry.releaseApp(entry.getValue(), entry.getKey());
      }
      apps.clear();
      registry.watchClosed(this);
    });
  }
}
