package dev.switchboard.rpc.registry;

import dev.switchboard.rpc.InstanceState;
import java.time.Duration;

/**
 * A live registration of one provider instance. Thread-safe.
 *
 * <p>Updates replace the published record; they are applied in the background like the
 * registration itself.
 */
public interface Registration extends AutoCloseable {

  /** Returns the record as last published (or about to be). */
  ProviderInstance instance();

  /** Replaces the published record; id, host and port must stay the same. */
  void update(ProviderInstance instance);

  /** Publishes {@code state}, e.g. {@link InstanceState#DRAINING} before shutting down. */
  default void setState(InstanceState state) {
    update(instance().withState(state));
  }

  /** Publishes {@code weight} for every service of the instance. */
  default void setWeight(int weight) {
    update(instance().withWeight(weight));
  }

  /**
   * Waits until the instance has been published at least once, for at most {@code timeout}.
   *
   * @return whether it has been published
   */
  default boolean awaitRegistered(Duration timeout) throws InterruptedException {
    return true;
  }

  /** Deregisters the instance. Idempotent. */
  @Override
  void close();
}
