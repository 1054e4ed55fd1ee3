package dev.switchboard.discovery.zk;

import dev.switchboard.discovery.zk.internal.ZkRegistryImpl;
import dev.switchboard.rpc.registry.Registry;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;

/**
 * A {@link Registry} in ZooKeeper, on Apache Curator.
 *
 * <p><b>Layout</b> (under the root, {@code /switchboard} unless the URI names a chroot):
 *
 * <pre>
 * /v1/apps/{app}/instances/{instanceId}   EPHEMERAL   one per provider process, JSON payload
 * /v1/services/{service}/{app}            PERSISTENT  empty; records that {app} provides {service}
 * /v1/overrides/{app}/{instanceId}        PERSISTENT  an operator's override (ZkRegistryAdmin)
 * </pre>
 *
 * <p><b>Providers</b> register one ephemeral node per process, whatever the number of services
 * it exposes. Registration runs in the background and retries forever with jittered backoff: a
 * provider whose ZooKeeper is unreachable at start serves anyway and registers once ZooKeeper
 * answers. The node is owner-checked against the ZooKeeper session: it survives reconnects
 * without being recreated, and is replaced atomically after a session expiry. A deleted node is
 * recreated at once; a periodic self-check repairs anything else. A provider publishes DRAINING
 * while an operator's override drains it.
 *
 * <p><b>Consumers</b> watch a service: the applications that provide it, their instances and
 * their operators' overrides (one persistent recursive watch per parent), and receive full,
 * debounced snapshots, override weights and drains applied. Invalid nodes and refused addresses are
 * skipped with a warning. Connection trouble keeps the last snapshot;
 * every reconnect re-reads everything; a mass drop (more than half the instances vanishing
 * unannounced) is held for {@link ZkRegistryConfig#dropProtection()}. A consumer whose ZooKeeper
 * is unreachable at start uses its disk snapshot, if fresh, or else gets an {@code UNAVAILABLE}
 * error naming the registry after the connection timeout (calls fail fast), and its first live
 * snapshot as soon as ZooKeeper answers.
 *
 * <p><b>Health</b>: {@link Registry#health()} reports the session state, re-registrations,
 * skipped invalid nodes and, per watched service, the view's size, last-known-good and
 * disk-snapshot use and the mass drops held; it is cheap and callable from any thread (see
 * {@code docs/registry.md}).
 *
 * <p><b>Security</b>: with {@link ZkRegistryConfig.Builder#credentials digest credentials},
 * created nodes are writable only by that identity and readable by all; TLS is configured by
 * {@link ZkRegistryConfig.Builder#tls}. The registry is never trusted for identity.
 *
 * <p>Thread-safe.
 */
public final class ZkRegistry {
  private ZkRegistry() {}

  /** Opens a registry with its own Curator client; closing the registry closes the client. */
  public static Registry open(ZkRegistryConfig config) {
    return ZkRegistryImpl.open(config);
  }

  /**
   * Returns a registry on {@code client} (started; its namespace is the registry root). The
   * registry borrows the client and never closes it.
   */
  public static Registry using(CuratorFramework client, Duration connectionTimeout) {
    return ZkRegistryImpl.using(client, connectionTimeout.toMillis());
  }
}
