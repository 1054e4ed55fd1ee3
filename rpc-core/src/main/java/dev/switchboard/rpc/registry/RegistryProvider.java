package dev.switchboard.rpc.registry;

import java.net.URI;

/**
 * Creates {@link Registry} instances for one URI scheme. Implementations are found through
 * {@link java.util.ServiceLoader} (list them in
 * {@code META-INF/services/dev.switchboard.rpc.registry.RegistryProvider}) and must have a public
 * no-argument constructor. Thread-safe.
 */
public abstract class RegistryProvider {

  /** Returns the URI scheme this provider handles, e.g. {@code zk}. Lower case. */
  public abstract String scheme();

  /**
   * Returns a new registry for {@code uri}, whose scheme is {@link #scheme()} and whose path, if
   * any, is the registry's root (e.g. {@code zk://10.0.0.1:2181,10.0.0.2:2181/prod}). The caller
   * owns the registry and closes it.
   *
   * @throws IllegalArgumentException naming the URI and what is wrong with it
   */
  public abstract Registry newRegistry(URI uri);
}
