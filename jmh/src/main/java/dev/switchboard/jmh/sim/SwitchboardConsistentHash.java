package dev.switchboard.jmh.sim;

import dev.switchboard.loadbalance.select.BoundedLoad;
import dev.switchboard.loadbalance.select.KeyHash;
import dev.switchboard.loadbalance.select.MaglevTable;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * Switchboard's {@code switchboard_consistent_hash}: every request carries a random key (uniform
 * over {@value #KEY_SPACE} distinct keys), hashed by {@link KeyHash} and looked up in the real
 * {@link MaglevTable}, which covers every backend; the pick walks from the key's slot past
 * backends out of rotation (failure accrual) and, with a load factor (the optional bounded-load
 * mode, {@code loadFactor} in the service config), past backends that {@link BoundedLoad#hasRoom}
 * does not admit, counting calls in flight per backend and in total as the real balancer's stream
 * tracers do.
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class SwitchboardConsistentHash extends AccruingStrategy implements IntPredicate {
  /** How many distinct keys requests carry. */
  public static final int KEY_SPACE = 1_000_000;

  private final MaglevTable table;
  private final SplittableRandom random;
  private final boolean bounded;
  private final double[] capacityShare;
  private boolean[] inRotation;
  private int totalInFlight;

  /**
   * Creates the strategy over backends of {@code weights}, keys drawn from {@code random};
   * {@code loadFactor} 0 turns bounded load off, else it is c (e.g. 1.25).
   */
  public SwitchboardConsistentHash(int[] weights, double loadFactor, LongSupplier clock,
      SplittableRandom random) {
    super(weights, clock, random, false);
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
    this.capacityShare = new double[n];
    for (int i = 0; i < n; i++) {
      capacityShare[i] = loadFactor * weights[i] / totalWeight;
    }
  }

  @Override
  void rebuild(boolean[] rotation) {
    this.inRotation = rotation;
  }

  @Override
  int choose() {
    long hash = KeyHash.hash("user-" + random.nextInt(KEY_SPACE));
    int index = table.walk(hash, this);
    return index >= 0 ? index : table.walk(hash, i -> inRotation[i]);
  }

  /** Admits a backend in rotation that, under bounded load, has room for one more call. */
  @Override
  public boolean test(int index) {
    return inRotation[index] && (!bounded
        || BoundedLoad.hasRoom(loads[index].inFlight(), totalInFlight,
            capacityShare[index]));
  }

  @Override
  public long sent(int backend) {
    totalInFlight++;
    return super.sent(backend);
  }

  @Override
  public void completed(int backend, long token, boolean failed) {
    totalInFlight--;
    super.completed(backend, token, failed);
  }
}
