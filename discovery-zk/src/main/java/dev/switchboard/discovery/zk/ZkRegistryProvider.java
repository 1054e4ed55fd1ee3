package dev.switchboard.discovery.zk;

import dev.switchboard.rpc.registry.Registry;
import dev.switchboard.rpc.registry.RegistryProvider;
import java.net.URI;

/** Opens {@link ZkRegistry ZooKeeper registries} for {@code zk://} URIs. Thread-safe. */
public final class ZkRegistryProvider extends RegistryProvider {
  /** The scheme, {@code zk}. */
  public static final String SCHEME = "zk";

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public Registry newRegistry(URI uri) {
    return ZkRegistry.open(ZkRegistryConfig.fromUri(uri));
  }
}
