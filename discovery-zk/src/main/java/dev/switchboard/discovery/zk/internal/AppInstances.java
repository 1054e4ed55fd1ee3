package dev.switchboard.discovery.zk.internal;

import dev.switchboard.rpc.registry.ProviderInstance;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache of one application's instance nodes, shared by every watch of a service the
 * application provides. Invalid nodes (bad payloads, mismatched ids, refused addresses, a start
 * time far in the future) are skipped with a warning (once per node version), never passed on
 * and never fatal; a start time before {@link InstanceCodec#MIN_STARTED_AT} is clamped, with a
 * warning (once per node version). Each skipped node version is counted in the registry's
 * {@link SkippedNodes}, once however many watches read it.
 *
 * <p>Events are delivered on the registry executor; {@link #instances()} is called there too.
 */
final class AppInstances implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(AppInstances.class);

  private final String app;
  private final String parent;
  private final ResyncingCache cache;
  private final AddressPolicy addresses;
  private final Clock clock;
  private final SkippedNodes.Reader skipped;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  int references; // guarded by the registry executor

  AppInstances(CuratorFramework client, String app, Executor executor, AddressPolicy addresses,
      Clock clock, SkippedNodes skipped, Runnable onChange) {
    this.app = app;
    this.skipped = skipped.reader();
    this.parent = RegistryLayout.instances(app);
    this.addresses = addresses;
    this.clock = clock;
    this.cache = new ResyncingCache(client, parent, executor, onChange);
  }

  void start() {
    cache.start();
  }

  /** Re-reads every instance node (after a reconnect). */
  void resync() {
    cache.resync();
  }

  boolean initialized() {
    return cache.initialized();
  }

  /** Returns whether a re-read started by {@link #resync()} has not completed yet. */
  boolean resyncing() {
    return cache.resyncing();
  }

  /** Returns the valid instances now cached, each with the zxid that created its node. */
  List<CachedInstance> instances() {
    List<CachedInstance> result = new ArrayList<>();
    Map<String, Long> invalid = new HashMap<>();
    cache.stream().forEach(child -> {
      String path = child.getPath();
      if (path.equals(parent) || !ZKPaths.getPathAndNode(path).getPath().equals(parent)) {
        return;
      }
      CachedInstance parsed = parse(child);
      if (parsed != null) {
        result.add(parsed);
      } else {
        invalid.put(path, mzxid(child));
      }
    });
    skipped.report(invalid);
    return result;
  }

  private CachedInstance parse(ChildData child) {
    String node = ZKPaths.getNodeFromPath(child.getPath());
    try {
      ProviderInstance instance = InstanceCodec.decode(child.getData(), clock.instant(),
          warning -> warnOnce(child, "Registry node " + child.getPath() + ": " + warning));
      if (!instance.instanceId().equals(node)) {
        throw new InvalidPayloadException("instanceId '" + instance.instanceId()
            + "' does not match the node name");
      }
      if (!instance.application().equals(app)) {
        throw new InvalidPayloadException("app '" + instance.application()
            + "' does not match the path's application '" + app + "'");
      }
      String refused = addresses.rejectReason(instance.host());
      if (refused != null) {
        throw new InvalidPayloadException("address refused: " + refused);
      }
      return new CachedInstance(instance, child.getStat().getCzxid());
    } catch (InvalidPayloadException | RuntimeException e) {
      warnOnce(child, "Skipping invalid registry node " + child.getPath() + ": "
          + (e instanceof InvalidPayloadException ? e.getMessage() : e.toString()));
      return null;
    }
  }

  private static long mzxid(ChildData child) {
    return child.getStat() == null ? 0 : child.getStat().getMzxid();
  }

  private void warnOnce(ChildData child, String warning) {
    if (warned.size() < 10_000
        && warned.add(child.getPath() + "@" + mzxid(child) + ":" + warning)) {
      logger.warn("{}", warning);
    }
  }

  @Override
  public void close() {
    cache.close();
    skipped.close(); // no longer read: a later cache of the application counts afresh
  }

  /** A valid instance and the zxid of its node's creation (newer registrations win ties). */
  record CachedInstance(ProviderInstance instance, long czxid) {}
}
