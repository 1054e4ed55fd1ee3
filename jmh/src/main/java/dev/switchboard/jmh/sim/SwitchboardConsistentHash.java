package dev.switchboard.jmh.sim;

import dev.switchboard.loadbalance.select.BoundedLoad;
import dev.switchboard.loadbalance.select.EndpointLoad;
import dev.switchboard.loadbalance.select.KeyHash;
import dev.switchboard.loadbalance.select.MaglevTable;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * Switchboard's {@code switchboard_consistent_hash}: every request carries a random key (uniform
 * over {@value #KEY_SPACE} distinct keys), hashed by {@link KeyHash} and looked up in the real
 * {@link MaglevTable}. With a load factor (the optional bounded-load mode, {@code loadFactor} in
 * the service config) the pick walks the table from the key's slot to the first backend that
 * {@link BoundedLoad#hasRoom} admits, counting calls in flight per backend and in total as the
 * real balancer's stream tracers do. Without one (the default) the key's backend is taken
 * whatever its load.
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class SwitchboardConsistentHash implements BalancerStrategy, IntPredicate {
  /** How many distinct keys requests carry. */
  public static final int KEY_SPACE = 1_000_000;

  private final MaglevTable table;
  private final SplittableRandom random;
  private final boolean bounded;
  private final EndpointLoad[] loads;
  private final double[] capacityShare;
  private int totalInFlight;

  /**
   * Creates the strategy over backends of {@code weights}, keys drawn from {@code random};
   * {@code loadFactor} 0 turns bounded load off, else it is c (e.g. 1.25).
   */
  public SwitchboardConsistentHash(int[] weights, double loadFactor, SplittableRandom random) {
    int n = weights.length;
    String[] names = new String[n];
    long totalWeight = 0;
    for (int i = 0; i < n; i++) {
      names[i] = "10.0.0." + (i + 1) + ":50051";
      totalWeight += weights[i];
    }
    this.table = new MaglevTable(names, weights);
    this.random = random;
    this.bounded = loadFactor > 0;
    this.loads = new EndpointLoad[n];
    this.capacityShare = new double[n];
    for (int i = 0; i < n; i++) {
      loads[i] = new EndpointLoad(() -> 0L, 1); // counts only; never timed
      capacityShare[i] = loadFactor * weights[i] / totalWeight;
    }
  }

  @Override
  public int pick() {
    long hash = KeyHash.hash("user-" + random.nextInt(KEY_SPACE));
    if (!bounded) {
      return table.lookup(hash);
    }
    int index = table.walk(hash, this);
    return index >= 0 ? index : 0;
  }

  /** Admits a backend that has room for one more call under bounded load. */
  @Override
  public boolean test(int index) {
    return BoundedLoad.hasRoom(loads[index].inFlight(), totalInFlight, capacityShare[index]);
  }

  @Override
  public long sent(int backend) {
    loads[backend].increment();
    totalInFlight++;
    return 0;
  }

  @Override
  public void completed(int backend, long token) {
    loads[backend].decrement();
    totalInFlight--;
  }
}
