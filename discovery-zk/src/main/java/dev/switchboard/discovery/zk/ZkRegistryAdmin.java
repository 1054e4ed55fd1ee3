package dev.switchboard.discovery.zk;

import static java.util.Objects.requireNonNull;

import dev.switchboard.rpc.InstanceState;
import dev.switchboard.rpc.registry.RegistryHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An operator's view of a ZooKeeper registry, and the operator's overrides: what the
 * {@code switchboard} command line and web console read and write. Reads see every node as it
 * is, invalid ones included (with the reason a consumer skips them); writes are persistent
 * override nodes, audited, that providers and consumers apply:
 *
 * <pre>
 * /v1/overrides/{app}/{instanceId}   PERSISTENT  {"schema":1,"drain":bool,"weight":int|null,
 *                                      "history":[{"who","when","change","old","new"}]}
 * </pre>
 *
 * <p>A provider publishes {@link InstanceState#DRAINING} while its override says drain (and
 * SERVING again when enabled); consumers apply override weights (1..10000, replacing every
 * service's published weight of that instance) when they build their pick lists, and treat a
 * drained instance as DRAINING even before its provider republishes. Override nodes are read as
 * strictly as instance payloads (at most 4096 bytes); one that is not valid is skipped by
 * providers and consumers with a warning and changes nothing. Override nodes carry the ACL of
 * the operator identity that created them ({@code creator: all, world: read}, when the config
 * has credentials); the provider's own ephemeral node stays owner-written. Writes are
 * compare-and-set on the node's version, so two operators never lose each other's change.
 *
 * <p>An override of an instance that no longer exists is harmless (instance ids are never
 * reused by a new process) and reported by {@link #doctor()}; {@link #removeOverride} deletes
 * it. Beware that a provider whose session expired is briefly absent and comes back under the
 * same id: removing its override then undoes the operator's drain or weight.
 *
 * <p>Open one per process with {@link #open(ZkRegistryConfig)} (the config's credentials are the
 * operator identity) and close it. Thread-safe.
 */
public interface ZkRegistryAdmin extends AutoCloseable {

  /**
   * Opens an admin session on the registry of {@code config}, connecting in the background;
   * reads and writes wait for the connection up to the config's connection timeout (then fail
   * with {@link IllegalStateException}).
   */
  static ZkRegistryAdmin open(ZkRegistryConfig config) {
    return dev.switchboard.discovery.zk.internal.ZkRegistryAdminImpl.open(config);
  }

  /**
   * As {@link #open(ZkRegistryConfig)}, taking the time of audit entries ({@link Change#when})
   * and of node ages from {@code clock}.
   */
  static ZkRegistryAdmin open(ZkRegistryConfig config, Clock clock) {
    return dev.switchboard.discovery.zk.internal.ZkRegistryAdminImpl.open(config, clock);
  }

  /**
   * Returns every service under {@code /v1/services} with its providing applications and
   * instance counts, by name.
   */
  List<ServiceSummary> services();

  /**
   * Returns the instance nodes of the applications that provide {@code service}: the valid ones
   * that offer it and every invalid one, by application and instance id.
   *
   * @throws IllegalArgumentException if {@code service} is not a valid service name
   */
  List<InstanceView> instances(String service);

  /** Returns the instance {@code instanceId} (in any application), if its node exists. */
  Optional<InstanceView> instance(String instanceId);

  /**
   * Drains {@code instanceId}: its provider publishes DRAINING and consumers send it no new
   * calls, until {@link #enable}. Records {@code who} in the override's history; a change that
   * changes nothing writes nothing.
   *
   * @param who the operator, 1 to 64 characters, for the audit history
   * @return the override after the change
   * @throws IllegalArgumentException for an unknown instance (no node
   *     {@code /v1/apps/{app}/instances/{instanceId}}) or an invalid {@code who}
   * @throws SecurityException when the registry refuses the write (the identity is not the
   *     operator's that owns the override node, or may not create it)
   * @throws IllegalStateException when ZooKeeper cannot be reached, or the node kept changing
   */
  InstanceOverride drain(String instanceId, String who);

  /** As {@link #drain}, enabling the instance again (undoing a drain). */
  InstanceOverride enable(String instanceId, String who);

  /**
   * As {@link #drain}, setting the weight consumers use for every service of the instance, or
   * with {@code null} removing the weight override (the published weights apply again).
   *
   * @throws IllegalArgumentException also for a weight outside 1..10000
   */
  InstanceOverride weight(String instanceId, Integer weight, String who);

  /** Returns the override of {@code instanceId}, if it has a valid one. */
  Optional<InstanceOverride> override(String instanceId);

  /**
   * Deletes the override node of {@code instanceId}, history included, whether or not the
   * instance still exists (an orphan {@link #doctor()} reported, say); logged with {@code who}.
   *
   * @return the override removed (empty if there was none, or it was not valid)
   * @throws SecurityException when the registry refuses the deletion
   */
  Optional<InstanceOverride> removeOverride(String instanceId, String who);

  /**
   * Returns the traffic share each SERVING instance of {@code service} would get from a
   * weighted balancer if {@code instanceId} had {@code weight}, without writing anything:
   * instance id to share ({@code weight / sum of weights}), shares summing to 1. The instances
   * are those a consumer would pick from: valid, offering the service, SERVING and not drained
   * by an override, one per host:port (the newest registration), with override weights applied.
   * A drained {@code instanceId} gets no share.
   *
   * @throws IllegalArgumentException if {@code instanceId} is not an instance of
   *     {@code service} or {@code weight} is outside 1..10000
   */
  Map<String, Double> dryRunWeight(String service, String instanceId, int weight);

  /**
   * Checks the registry: orphaned nodes (service entries of applications without instances,
   * overrides of instances that do not exist, empty application directories), invalid payloads
   * and why, duplicate endpoints, persistent instance nodes, and, when the config has
   * credentials, ACLs (world-writable nodes; instance nodes written by another identity than
   * the one owning their application's instance directory). Writes nothing.
   */
  List<Finding> doctor();

  /**
   * Calls {@code onChange} with {@link #instances(String) the instances} of {@code service}
   * each time they change (first with the current ones; ages do not count as a change), on the
   * admin's thread, until the returned handle is closed. Changes are gathered for the config's
   * debounce period; after a reconnect everything is read again.
   */
  AutoCloseable watch(String service, Consumer<List<InstanceView>> onChange);

  /**
   * Returns the registry's health as the admin's own session sees it: the session state (see
   * {@code Registry#health()}); the admin registers and watches nothing of its own, so the
   * counters are 0 and no service is listed.
   */
  RegistryHealth health();

  /** Closes the session and every watch. Idempotent. */
  @Override
  void close();

  /**
   * A service: the applications providing it, and its instances by state.
   *
   * @param applications the valid application names under {@code /v1/services/{service}}
   * @param serving valid instances offering the service, SERVING and not drained
   * @param draining valid instances offering the service that are DRAINING or drained by an
   *     override
   * @param invalid invalid instance nodes of the applications, plus invalid application entries
   * @param lastChange the newest modification time of its nodes (the service node, its
   *     application entries, their instance and override nodes)
   */
  record ServiceSummary(String service, List<String> applications, int serving, int draining,
      int invalid, Instant lastChange) {
    /** Validates and copies. */
    public ServiceSummary {
      requireNonNull(service, "service");
      applications = List.copyOf(applications);
      requireNonNull(lastChange, "lastChange");
    }
  }

  /**
   * One instance node as it is, for one service (or, for {@link #instance}, its first service).
   * An invalid node has only its id, application, age, reason and override: empty strings,
   * zeros and {@code null} state elsewhere.
   *
   * @param service the service, empty for an invalid node seen by {@link #instance}
   * @param weight the weight the instance published for the service
   * @param effectiveWeight the weight consumers use: the override's if set, else the published
   * @param state the published state; {@code null} for an invalid node (a drain override does
   *     not show here: see {@code override})
   * @param invalidReason why consumers skip the node, empty when valid
   * @param age how long the node has existed (from its creation time)
   * @param override the operator's override, if any (and valid)
   */
  record InstanceView(String instanceId, String application, String service, String host,
      int port, int weight, int effectiveWeight, String zone, String version, InstanceState state,
      boolean tls, Duration age, Optional<String> invalidReason,
      Optional<InstanceOverride> override, Map<String, String> metadata) {
    /** Validates and copies. */
    public InstanceView {
      requireNonNull(instanceId, "instanceId");
      requireNonNull(application, "application");
      requireNonNull(service, "service");
      requireNonNull(host, "host");
      requireNonNull(zone, "zone");
      requireNonNull(version, "version");
      requireNonNull(age, "age");
      requireNonNull(invalidReason, "invalidReason");
      requireNonNull(override, "override");
      metadata = Map.copyOf(metadata);
    }

    /** Returns whether consumers use this node. */
    public boolean valid() {
      return invalidReason.isEmpty();
    }

    /** Returns whether consumers send this instance new calls: valid, SERVING, not drained. */
    public boolean serving() {
      return valid() && state == InstanceState.SERVING
          && !override.map(InstanceOverride::drain).orElse(false);
    }
  }

  /**
   * An operator's override of one instance.
   *
   * @param weight the weight override, empty when none
   * @param history every change, oldest first (the newest 32 are kept, fewer if they would not
   *     fit the node's 4096 bytes)
   */
  record InstanceOverride(String instanceId, boolean drain, Optional<Integer> weight,
      List<Change> history) {
    /** Validates and copies. */
    public InstanceOverride {
      requireNonNull(instanceId, "instanceId");
      requireNonNull(weight, "weight");
      history = List.copyOf(history);
    }

    /** Returns the newest change, if any. */
    public Optional<Change> lastChange() {
      return history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
    }
  }

  /**
   * One audited change: who, when, what, and the value before and after.
   *
   * @param change {@code drain}, {@code enable} or {@code weight}
   * @param oldValue for drain and enable the {@code drain} flag before ({@code true} or
   *     {@code false}); for weight the weight before, or {@code none}
   * @param newValue as {@code oldValue}, after the change
   */
  record Change(String who, Instant when, String change, String oldValue, String newValue) {
    /** Validates. */
    public Change {
      requireNonNull(who, "who");
      requireNonNull(when, "when");
      requireNonNull(change, "change");
      requireNonNull(oldValue, "oldValue");
      requireNonNull(newValue, "newValue");
    }
  }

  /**
   * Something {@link #doctor()} found.
   *
   * @param severity {@link #ERROR} (consumers skip the node, or anyone may write it) or
   *     {@link #WARNING} (harmless or suspicious)
   * @param path the node concerned, relative to the registry root
   */
  record Finding(String severity, String path, String message) {
    /** Something broken or unsafe. */
    public static final String ERROR = "error";
    /** Something harmless or suspicious. */
    public static final String WARNING = "warning";

    /** Validates. */
    public Finding {
      requireNonNull(severity, "severity");
      requireNonNull(path, "path");
      requireNonNull(message, "message");
    }
  }
}
