package dev.switchboard.rpc.registry;

/**
 * A service registry: providers register instances, consumers watch the instances of a service.
 *
 * <p>Implementations are thread-safe. They are found by URI scheme through {@link RegistryProvider}
 * ({@code memory://name} in rpc-core, {@code zk://host:port/chroot} in discovery-zk).
 *
 * <p>Contract for implementations:
 *
 * <ul>
 *   <li>{@link #register} returns at once; the registration is made, and kept alive across
 *       connection and session loss, in the background until {@link Registration#close()}.
 *   <li>{@link #watch} delivers full snapshots, serially, never on the caller's thread. Trouble
 *       reaching the registry never becomes an empty snapshot: the listener keeps the last good
 *       one, and {@link RegistryListener#onError} is called only while there is none.
 * </ul>
 */
public interface Registry extends AutoCloseable {

  /** Starts registering {@code instance}; closing the returned handle deregisters it. */
  Registration register(ProviderInstance instance);

  /** Starts delivering snapshots of {@code service}'s instances to {@code listener}. */
  Watch watch(String service, RegistryListener listener);

  /**
   * Returns a snapshot of the registry client's own state (session, re-registrations, skipped
   * nodes, each watched service's protection); {@link RegistryHealth#UNKNOWN} unless the
   * implementation reports it. Cheap enough to call on every metrics collection.
   */
  default RegistryHealth health() {
    return RegistryHealth.UNKNOWN;
  }

  /** Deregisters what this registry registered, stops its watches and releases its resources. */
  @Override
  void close();
}
