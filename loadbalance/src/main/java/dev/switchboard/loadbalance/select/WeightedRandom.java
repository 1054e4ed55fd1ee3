package dev.switchboard.loadbalance.select;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted random choice in O(1) per pick by Vose's alias method: one random integer and one
 * random double, two array reads, no lock, no allocation. Building costs O(n).
 *
 * <p>Immutable and thread-safe.
 */
public final class WeightedRandom implements IndexSelector {
  private final double[] probability;
  private final int[] alias;

  /** Creates a selector over {@code weights}, each at least 1. */
  public WeightedRandom(int[] weights) {
    int n = weights.length;
    if (n == 0) {
      throw new IllegalArgumentException("no weights");
    }
    probability = new double[n];
    alias = new int[n];
    double total = 0;
    for (int weight : weights) {
      if (weight < 1) {
        throw new IllegalArgumentException("weight " + weight + " is not positive");
      }
      total += weight;
    }
    double[] scaled = new double[n];
    Deque<Integer> small = new ArrayDeque<>();
    Deque<Integer> large = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      scaled[i] = weights[i] * n / total;
      (scaled[i] < 1.0 ? small : large).add(i);
    }
    while (!small.isEmpty() && !large.isEmpty()) {
      int less = small.poll();
      int more = large.poll();
      probability[less] = scaled[less];
      alias[less] = more;
      scaled[more] = scaled[more] + scaled[less] - 1.0;
      (scaled[more] < 1.0 ? small : large).add(more);
    }
    while (!large.isEmpty()) {
      probability[large.poll()] = 1.0;
    }
    while (!small.isEmpty()) {
      probability[small.poll()] = 1.0; // rounding leftovers
    }
  }

  /** Returns a random index, each with probability proportional to its weight. */
  @Override
  public int next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int column = random.nextInt(probability.length);
    return random.nextDouble() < probability[column] ? column : alias[column];
  }

  /** Returns the index for the given uniform draws; for deterministic tests. */
  public int next(int column, double coin) {
    return coin < probability[column] ? column : alias[column];
  }

  /** Returns the number of choices. */
  public int size() {
    return probability.length;
  }
}
