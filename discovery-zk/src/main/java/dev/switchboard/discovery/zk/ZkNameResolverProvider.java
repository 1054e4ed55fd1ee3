package dev.switchboard.discovery.zk;

import dev.switchboard.rpc.resolver.RegistryNameResolverProvider;

/**
 * Resolves {@code zk://host:port[/root]/service} targets: gRPC channels built with such a target
 * discover the service's instances from ZooKeeper.
 */
public final class ZkNameResolverProvider extends RegistryNameResolverProvider {
  /** Called by {@link java.util.ServiceLoader}. */
  public ZkNameResolverProvider() {
    super(new ZkRegistryProvider());
  }
}
