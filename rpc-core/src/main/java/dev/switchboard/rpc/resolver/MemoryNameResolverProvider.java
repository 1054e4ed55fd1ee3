package dev.switchboard.rpc.resolver;

import dev.switchboard.rpc.registry.MemoryRegistryProvider;

/** Resolves {@code memory://name/service} targets from the in-JVM registry {@code name}. */
public final class MemoryNameResolverProvider extends RegistryNameResolverProvider {
  /** Called by {@link java.util.ServiceLoader}. */
  public MemoryNameResolverProvider() {
    super(new MemoryRegistryProvider());
  }
}
