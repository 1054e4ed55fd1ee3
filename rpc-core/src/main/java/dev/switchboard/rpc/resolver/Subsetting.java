package dev.switchboard.rpc.resolver;

import dev.switchboard.rpc.registry.ServiceInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Random subsetting by rendezvous hashing (gRFC A68): a channel connects to {@code size} of a
 * service's instances, the ones that rank highest by a hash of the client's {@code seed} and the
 * instance id. Clients with independent random seeds spread their connections evenly over the
 * instances; an instance that joins or leaves moves only the subsets whose top it enters or
 * leaves, never the rest. Pass it to the resolver with
 * {@link RegistryNameResolverProvider#SUBSETTING}.
 *
 * <p>Immutable.
 *
 * @param size the instances to keep, at least 1
 * @param seed this client's seed (random per client; fixed in tests)
 */
public record Subsetting(int size, long seed) {
  /** Validates. */
  public Subsetting {
    if (size < 1) {
      throw new IllegalArgumentException("subset size " + size + " is out of range (allowed: >= 1)");
    }
  }

  /**
   * Returns the instances of {@code instances} that {@code eligible} accepts and that rank among
   * the top {@link #size()}, in their original order; all eligible ones when there are no more
   * than {@code size}.
   */
  public List<ServiceInstance> select(List<ServiceInstance> instances,
      Predicate<ServiceInstance> eligible) {
    List<ServiceInstance> candidates = new ArrayList<>();
    for (ServiceInstance instance : instances) {
      if (eligible.test(instance)) {
        candidates.add(instance);
      }
    }
    if (candidates.size() <= size) {
      return candidates;
    }
    long[] scores = new long[candidates.size()];
    Integer[] order = new Integer[candidates.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = score(candidates.get(i).instanceId());
      order[i] = i;
    }
    // highest score first; equal scores (in theory) by instance id, so every client agrees
    java.util.Arrays.sort(order, Comparator.comparingLong((Integer i) -> scores[i]).reversed()
        .thenComparing(i -> candidates.get(i).instanceId()));
    boolean[] kept = new boolean[scores.length];
    for (int k = 0; k < size; k++) {
      kept[order[k]] = true;
    }
    List<ServiceInstance> subset = new ArrayList<>(size);
    for (int i = 0; i < kept.length; i++) {
      if (kept[i]) {
        subset.add(candidates.get(i));
      }
    }
    return subset;
  }

  /** Returns the rendezvous score of {@code instanceId} for this seed. */
  public long score(String instanceId) {
    long hash = 0xcbf29ce484222325L ^ seed; // FNV-1a over the id's chars, seeded
    for (int i = 0; i < instanceId.length(); i++) {
      hash ^= instanceId.charAt(i);
      hash *= 0x100000001b3L;
    }
    // a final mix, so that ids that differ in their last characters spread over the whole range
    hash ^= hash >>> 33;
    hash *= 0xff51afd7ed558ccdL;
    hash ^= hash >>> 33;
    hash *= 0xc4ceb9fe1a85ec53L;
    return hash ^ (hash >>> 33);
  }
}
