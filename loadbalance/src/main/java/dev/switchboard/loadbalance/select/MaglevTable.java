package dev.switchboard.loadbalance.select;

/**
 * A weighted Maglev lookup table (Eisenbud et al., NSDI 2016; weights as in Envoy): a table of
 * M slots (M prime, at least 65,537 and at least 100 × endpoints), each naming an endpoint, filled
 * so that every endpoint owns a share of slots proportional to its weight. A key's endpoint is
 * {@code table[hash mod M]}: O(1), one array read.
 *
 * <p>Why Maglev and not a ring: lookups cost one read instead of a binary search over thousands of
 * points (measured 5-7 ns against 70-150 ns in {@code balancers-and-performance.md} §4.4), and the
 * spread is tighter (max/avg load 1.03 at 100 endpoints, against 1.08 for a ring with 1,000
 * points per endpoint). The price is disruption: removing one of N endpoints moves its keys plus
 * a small fraction of others' (bounded well under 2/N in total), where a ring moves only its own.
 *
 * <p>Endpoints are placed by the hash of their name (use their address, which outlives a process
 * restart), so every client builds the same table for the same membership, whatever the order.
 *
 * <p>Immutable and thread-safe.
 */
public final class MaglevTable {
  /** The smallest table. */
  public static final int MIN_SIZE = 65_537;

  private final int[] table;
  private final String[] names;

  /**
   * Builds the table for endpoints {@code names} (distinct) with {@code weights} (each at least 1).
   */
  public MaglevTable(String[] names, int[] weights) {
    int n = names.length;
    if (n == 0 || weights.length != n) {
      throw new IllegalArgumentException("need one weight per endpoint, at least one endpoint");
    }
    this.names = names.clone();
    int size = nextPrime(Math.max(MIN_SIZE, 100L * n));
    table = new int[size];
    java.util.Arrays.fill(table, -1);
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    long[] target = new long[n];
    long maxWeight = 0;
    for (int i = 0; i < n; i++) {
      if (weights[i] < 1) {
        throw new IllegalArgumentException("weight " + weights[i] + " is not positive");
      }
      maxWeight = Math.max(maxWeight, weights[i]);
      long h = KeyHash.hash(names[i]);
      offset[i] = Long.remainderUnsigned(h, size);
      skip[i] = Long.remainderUnsigned(KeyHash.mix(h ^ 0x9e3779b97f4a7c15L), size - 1) + 1;
    }
    int filled = 0;
    for (long iteration = 1; filled < size; iteration++) {
      for (int i = 0; i < n && filled < size; i++) {
        // An endpoint of weight max/k takes a slot every k-th iteration.
        if (iteration * weights[i] < target[i]) {
          continue;
        }
        target[i] += maxWeight;
        int slot = (int) ((offset[i] + skip[i] * next[i]) % size);
        while (table[slot] >= 0) {
          next[i]++;
          slot = (int) ((offset[i] + skip[i] * next[i]) % size);
        }
        table[slot] = i;
        next[i]++;
        filled++;
      }
    }
  }

  /** Returns the slot of {@code hash}. */
  public int slot(long hash) {
    return (int) Long.remainderUnsigned(hash, table.length);
  }

  /** Returns the endpoint index at {@code slot} (taken modulo the size, so walks can run on). */
  public int endpointAt(int slot) {
    return table[slot < table.length ? slot : slot % table.length];
  }

  /** Returns the endpoint index for {@code hash}. */
  public int lookup(long hash) {
    return table[slot(hash)];
  }

  /**
   * Returns the first endpoint from {@code hash}'s slot on (walking the table) that
   * {@code acceptable} accepts, or -1 if none does. The walk visits endpoints in the table's
   * pseudo-random order, so the keys an unacceptable endpoint sheds spread over the others.
   */
  public int walk(long hash, java.util.function.IntPredicate acceptable) {
    int start = slot(hash);
    for (int step = 0; step < table.length; step++) {
      int slot = start + step;
      int index = table[slot < table.length ? slot : slot - table.length];
      if (acceptable.test(index)) {
        return index;
      }
    }
    return -1;
  }

  /** Returns the number of slots. */
  public int size() {
    return table.length;
  }

  /** Returns the number of endpoints. */
  public int endpoints() {
    return names.length;
  }

  /** Returns the endpoint names, in index order. */
  public String name(int index) {
    return names[index];
  }

  static int nextPrime(long atLeast) {
    for (long candidate = atLeast | 1; ; candidate += 2) {
      if (isPrime(candidate)) {
        return Math.toIntExact(candidate);
      }
    }
  }

  private static boolean isPrime(long n) {
    if (n % 3 == 0) {
      return n == 3;
    }
    for (long d = 5; d * d <= n; d += 6) {
      if (n % d == 0 || n % (d + 2) == 0) {
        return false;
      }
    }
    return true;
  }
}
