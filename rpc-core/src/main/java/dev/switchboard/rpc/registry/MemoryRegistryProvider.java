package dev.switchboard.rpc.registry;

import dev.switchboard.rpc.internal.MemoryRegistry;
import java.net.URI;

/**
 * The {@code memory://name} registry: all registries of one name in one JVM (one class loader)
 * share their instances, like gRPC's in-process transport names. For tests, examples and
 * single-process use; nothing leaves the process.
 */
public final class MemoryRegistryProvider extends RegistryProvider {

  /** The scheme, {@code memory}. */
  public static final String SCHEME = "memory";

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public Registry newRegistry(URI uri) {
    String name = uri.getAuthority();
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(
          "registry URI '" + RegistryUris.redact(uri) + "' names no registry (expected"
              + " memory://name)");
    }
    return MemoryRegistry.open(name);
  }
}
