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
 * </pre>
 *
 * <p><b>Providers</b> register one ephemeral node per process, whatever the number of services
 * it exposes. Registration runs in the background and retries forever with jittered backoff: a
 * provider whose ZooKeeper is unreachable at start serves anyway and registers once ZooKeeper
 * answers. The node is owner-checked against the ZooKeeper session: it survives reconnects
 * without being recreated, and is replaced atomically after a session expiry. A deleted node is
 * recreated at once; a periodic self-check repairs anything else.
 *
 * <p><b>Consumers</b> watch a service: the applications that provide it and their instances
 * (Curator {@code CuratorCache}s), and receive full snapshots. Nodes with an invalid payload are
 * skipped with a warning. A consumer whose ZooKeeper is unreachable at start gets an
 * {@code UNAVAILABLE} error naming the registry after the connection timeout (calls fail fast)
 * and its first snapshot as soon as ZooKeeper answers. Connection trouble after that keeps the
 * last snapshot.
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
