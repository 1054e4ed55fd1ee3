package dev.switchboard.discovery.zk.internal;

import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceOverride;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ProviderInstance;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache of one application's instance nodes and operator overrides, shared by every watch of
 * a service the application provides. Invalid nodes (bad payloads, mismatched ids, refused
 * addresses, a start time far in the future) are skipped with a warning (once per node
 * version), never passed on and never fatal; a start time before
 * {@link InstanceCodec#MIN_STARTED_AT} is clamped, with a warning (once per node version). Each
 * skipped node version is counted in the registry's {@link SkippedNodes}, once however many
 * watches read it.
 *
 * <p>The instances handed out have the application's overrides
 * ({@code /v1/overrides/{app}/{instanceId}}) applied ({@link #withOverride}): an override weight
 * replaces the weight of every service of the instance, and a drained instance is DRAINING even
 * before its provider republishes. An invalid override node is skipped with a warning (once per
 * node version) and counted like an invalid instance node; while it stays invalid, the last
 * valid override read from it still applies, so a bad write changes nothing.
 *
 * <p>Events are delivered on the registry executor; {@link #instances()} is called there too.
 */
final class AppInstances implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(AppInstances.class);

  private final String app;
  private final String parent;
  private final ResyncingCache cache;
  private final String overridesParent;
  private final ResyncingCache overrideCache;
  private final AddressPolicy addresses;
  private final Clock clock;
  private final SkippedNodes.Reader skipped;
  private final SkippedNodes.Reader skippedOverrides;
  private final Map<String, InstanceOverride> lastGoodOverrides = new HashMap<>(); // executor
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  int references; // guarded by the registry executor

  AppInstances(CuratorFramework client, String app, Executor executor, AddressPolicy addresses,
      Clock clock, SkippedNodes skipped, Runnable onChange) {
    this.app = app;
    this.skipped = skipped.reader();
    this.skippedOverrides = skipped.reader();
    this.parent = RegistryLayout.instances(app);
    this.overridesParent = RegistryLayout.overrides(app);
    this.addresses = addresses;
    this.clock = clock;
    this.cache = new ResyncingCache(client, parent, executor, onChange);
    this.overrideCache = new ResyncingCache(client, overridesParent, executor, onChange);
  }

  void start() {
    cache.start();
    overrideCache.start();
  }

  /** Re-reads every instance and override node (after a reconnect). */
  void resync() {
    cache.resync();
    overrideCache.resync();
  }

  boolean initialized() {
    return cache.initialized() && overrideCache.initialized();
  }

  /** Returns whether a re-read started by {@link #resync()} has not completed yet. */
  boolean resyncing() {
    return cache.resyncing() || overrideCache.resyncing();
  }

  /**
   * Returns the valid instances now cached, overrides applied, each with the zxid that created
   * its node.
   */
  List<CachedInstance> instances() {
    Map<String, InstanceOverride> overrides = overrides();
    List<CachedInstance> result = new ArrayList<>();
    Map<String, Long> invalid = new HashMap<>();
    cache.stream().forEach(child -> {
      String path = child.getPath();
      if (path.equals(parent) || !ZKPaths.getPathAndNode(path).getPath().equals(parent)) {
        return;
      }
      CachedInstance parsed = parse(child);
      if (parsed != null) {
        InstanceOverride override = overrides.get(parsed.instance().instanceId());
        result.add(override == null ? parsed
            : new CachedInstance(withOverride(parsed.instance(), override), parsed.czxid()));
      } else {
        invalid.put(path, mzxid(child));
      }
    });
    skipped.report(invalid);
    return result;
  }

  /** Returns the valid overrides now cached, by instance id (the last valid one of a bad node). */
  private Map<String, InstanceOverride> overrides() {
    Map<String, InstanceOverride> result = new HashMap<>();
    Map<String, Long> invalid = new HashMap<>();
    overrideCache.stream().forEach(child -> {
      String path = child.getPath();
      if (path.equals(overridesParent)
          || !ZKPaths.getPathAndNode(path).getPath().equals(overridesParent)) {
        return;
      }
      String instanceId = ZKPaths.getNodeFromPath(path);
      try {
        InstanceOverride override = OverrideCodec.decode(instanceId, child.getData());
        result.put(instanceId, override);
      } catch (InvalidPayloadException | RuntimeException e) {
        invalid.put(path, mzxid(child));
        InstanceOverride lastGood = lastGoodOverrides.get(instanceId);
        if (lastGood != null) {
          result.put(instanceId, lastGood);
        }
        warnOnce(child, "Skipping invalid override node " + path + ": "
            + (e instanceof InvalidPayloadException ? e.getMessage() : e.toString())
            + (lastGood == null ? "" : " (its last valid override still applies)"));
      }
    });
    skippedOverrides.report(invalid);
    lastGoodOverrides.keySet().retainAll(result.keySet());
    lastGoodOverrides.putAll(result);
    return result;
  }

  /**
   * Returns {@code instance} as consumers use it under {@code override}: the override weight,
   * if any, for every service; DRAINING if drained.
   */
  static ProviderInstance withOverride(ProviderInstance instance, InstanceOverride override) {
    ProviderInstance result = instance;
    if (override.weight().isPresent()) {
      result = result.withWeight(override.weight().get());
    }
    if (override.drain()) {
      result = result.withState(InstanceState.DRAINING);
    }
    return result;
  }

  private CachedInstance parse(ChildData child) {
    try {
      ProviderInstance instance = validate(app, ZKPaths.getNodeFromPath(child.getPath()),
          child.getData(), clock.instant(), addresses,
          warning -> warnOnce(child, "Registry node " + child.getPath() + ": " + warning));
      return new CachedInstance(instance, child.getStat().getCzxid());
    } catch (InvalidPayloadException e) {
      warnOnce(child, "Skipping invalid registry node " + child.getPath() + ": "
          + e.getMessage());
      return null;
    }
  }

  /**
   * Returns the instance in the node {@code node} of {@code app}'s instances, holding
   * {@code data}, read at {@code now}, if a consumer may use it: a valid payload
   * ({@link InstanceCodec#decode(byte[], Instant, Consumer)}), whose id is the node's name and
   * application the path's, at an address {@code addresses} accepts. Clamped values are
   * reported to {@code warnings}.
   *
   * @throws InvalidPayloadException saying why a consumer skips the node
   */
  static ProviderInstance validate(String app, String node, byte[] data, Instant now,
      AddressPolicy addresses, Consumer<String> warnings) throws InvalidPayloadException {
    try {
      ProviderInstance instance = InstanceCodec.decode(data, now, warnings);
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
      return instance;
    } catch (RuntimeException e) {
      throw new InvalidPayloadException(e.toString());
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
    overrideCache.close();
    skipped.close(); // no longer read: a later cache of the application counts afresh
    skippedOverrides.close();
  }

  /** A valid instance and the zxid of its node's creation (newer registrations win ties). */
  record CachedInstance(ProviderInstance instance, long czxid) {}
}
