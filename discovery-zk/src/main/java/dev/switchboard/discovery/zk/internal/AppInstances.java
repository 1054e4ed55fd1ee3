package dev.switchboard.discovery.zk.internal;

import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceOverride;
import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.ProviderInstance;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
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
 * <p>A change is passed on only to the watches subscribed to this application, and the instances
 * are parsed once per change however many of those watches read them.
 *
 * <p>Events are delivered on the registry executor; {@link #instances()}, {@link #subscribe} and
 * {@link #unsubscribe} are called there too.
 */
final class AppInstances implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(AppInstances.class);

  private final String app;
  private final String parent;
  private final ChildrenCache cache;
  private final String overridesParent;
  private final ChildrenCache overrideCache;
  private final AddressPolicy addresses;
  private final Clock clock;
  private final SkippedNodes.Reader skipped;
  private final SkippedNodes.Reader skippedOverrides;
  private final Map<String, InstanceOverride> lastGoodOverrides = new HashMap<>(); // executor
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final Set<Runnable> subscribers = new LinkedHashSet<>(); // executor
  private List<CachedInstance> parsed; // executor; null until read after the latest change

  AppInstances(CuratorFramework client, String app, Executor executor, AddressPolicy addresses,
      Clock clock, SkippedNodes skipped) {
    this.app = app;
    this.skipped = skipped.reader();
    this.skippedOverrides = skipped.reader();
    this.parent = RegistryLayout.instances(app);
    this.overridesParent = RegistryLayout.overrides(app);
    this.addresses = addresses;
    this.clock = clock;
    this.cache = new ChildrenCache(client, parent, true, executor, this::changed,
        this::notifySubscribers);
    this.overrideCache = new ChildrenCache(client, overridesParent, true, executor,
        this::changed, this::notifySubscribers);
  }

  private void changed() {
    parsed = null;
    notifySubscribers();
  }

  private void notifySubscribers() {
    for (Runnable subscriber : List.copyOf(subscribers)) {
      RegistryExecutor.guarded("Refreshing a watch of application " + app, subscriber).run();
    }
  }

  /**
   * Has {@code onChange} run after every change of this application's nodes, and when a re-read
   * after a reconnect completes.
   */
  void subscribe(Runnable onChange) {
    subscribers.add(onChange);
  }

  /**
   * Stops {@code onChange} being run; returns whether no subscriber is left (then the caller
   * closes this cache).
   */
  boolean unsubscribe(Runnable onChange) {
    subscribers.remove(onChange);
    return subscribers.isEmpty();
  }

  void start() {
    cache.start();
    overrideCache.start();
  }

  /** Notes a reconnect: every instance and override node is read again ({@link #resyncing}). */
  void resync() {
    if (initialized()) {
      instances(); // parse now: refreshes during the re-read use this view, not a half-read one
    }
    cache.resync();
    overrideCache.resync();
  }

  /** Reads again what could not be read before the first connection. */
  void retryIfUnread() {
    cache.retryIfUnread();
    overrideCache.retryIfUnread();
  }

  boolean initialized() {
    return cache.initialized() && overrideCache.initialized();
  }

  /** Returns whether the re-read after the reconnect noted by {@link #resync()} is not over. */
  boolean resyncing() {
    return cache.resyncing() || overrideCache.resyncing();
  }

  /**
   * Returns the valid instances now cached, overrides applied, each with the zxid that created
   * its node; parsed on the first call after a change, then shared.
   */
  List<CachedInstance> instances() {
    if (parsed == null) {
      parsed = List.copyOf(parse());
    }
    return parsed;
  }

  private List<CachedInstance> parse() {
    Map<String, InstanceOverride> overrides = overrides();
    List<CachedInstance> result = new ArrayList<>();
    Map<String, Long> invalid = new HashMap<>();
    for (ChildrenCache.Child child : cache.children()) {
      CachedInstance parsed = parse(child);
      if (parsed != null) {
        InstanceOverride override = overrides.get(parsed.instance().instanceId());
        result.add(override == null ? parsed
            : new CachedInstance(withOverride(parsed.instance(), override), parsed.czxid()));
      } else {
        invalid.put(child.path(), child.mzxid());
      }
    }
    skipped.report(invalid);
    return result;
  }

  /** Returns the valid overrides now cached, by instance id (the last valid one of a bad node). */
  private Map<String, InstanceOverride> overrides() {
    Map<String, InstanceOverride> result = new HashMap<>();
    Map<String, Long> invalid = new HashMap<>();
    for (ChildrenCache.Child child : overrideCache.children()) {
      String instanceId = child.name();
      try {
        InstanceOverride override = OverrideCodec.decode(instanceId, child.data());
        result.put(instanceId, override);
      } catch (InvalidPayloadException | RuntimeException e) {
        invalid.put(child.path(), child.mzxid());
        InstanceOverride lastGood = lastGoodOverrides.get(instanceId);
        if (lastGood != null) {
          result.put(instanceId, lastGood);
        }
        warnOnce(child, "Skipping invalid override node " + child.path() + ": "
            + (e instanceof InvalidPayloadException ? e.getMessage() : e.toString())
            + (lastGood == null ? "" : " (its last valid override still applies)"));
      }
    }
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

  private CachedInstance parse(ChildrenCache.Child child) {
    try {
      ProviderInstance instance = validate(app, child.name(), child.data(), clock.instant(),
          addresses, warning -> warnOnce(child, "Registry node " + child.path() + ": "
              + warning));
      return new CachedInstance(instance, child.czxid());
    } catch (InvalidPayloadException e) {
      warnOnce(child, "Skipping invalid registry node " + child.path() + ": "
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

  private void warnOnce(ChildrenCache.Child child, String warning) {
    if (warned.size() < 10_000
        && warned.add(child.path() + "@" + child.mzxid() + ":" + warning)) {
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
