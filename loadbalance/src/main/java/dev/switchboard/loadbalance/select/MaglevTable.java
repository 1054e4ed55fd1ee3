package dev.switchboard.loadbalance.select;

/**
 * A weighted Maglev lookup table (Eisenbud et al., NSDI 2016; weights as in Envoy): a table of
 * M slots (M prime, from a fixed ladder, at least 1,000 per endpoint), each naming an endpoint, filled
 * so that every endpoint owns a share of slots proportional to its weight. A key's endpoint is
 * {@code table[⌊(hash >>> 32) × M / 2^32⌋]}: O(1), a multiply and one array read.
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
  /**
   * The table sizes, primes each about twice the last: a table takes the smallest one with at
   * least {@link #SLOTS_PER_ENDPOINT} slots per endpoint. The size must not follow the endpoint
   * count closely: a table of another size maps almost every key elsewhere, so the size only
   * changes when the count crosses 65, 131, 262, 524, 1,048... endpoints.
   */
  private static final int[] SIZES = {65_537, 131_071, 262_139, 524_287, 1_048_573, 2_097_143,
      4_194_301, 8_388_593, 16_777_213};

  /**
   * Slots per endpoint at least: fewer make removals move more keys between the endpoints that
   * stay (measured: 0.64 % of all keys at 131 slots per endpoint and N = 1,000, against the 0.1 %
   * that must move).
   */
  private static final int SLOTS_PER_ENDPOINT = 1_000;

  private static final char EMPTY = Character.MAX_VALUE;

  /** The smallest table. */
  public static final int MIN_SIZE = SIZES[0];

  private final char[] table; // endpoint indexes; 2 bytes a slot keeps the table in cache
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
    int size = sizeFor(n);
    table = new char[size];
    java.util.Arrays.fill(table, EMPTY);
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
        while (table[slot] != EMPTY) {
          next[i]++;
          slot = (int) ((offset[i] + skip[i] * next[i]) % size);
        }
        table[slot] = (char) i;
        next[i]++;
        filled++;
      }
    }
  }

  /** Returns the slot of {@code hash}: its top 32 bits scaled to the table (no division). */
  public int slot(long hash) {
    return (int) (((hash >>> 32) * table.length) >>> 32);
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

  /** Returns the table size for {@code endpoints} endpoints. */
  static int sizeFor(int endpoints) {
    for (int size : SIZES) {
      if (size >= (long) SLOTS_PER_ENDPOINT * endpoints) {
        return size;
      }
    }
    throw new IllegalArgumentException(endpoints + " endpoints are more than a Maglev table"
        + " serves (at most " + SIZES[SIZES.length - 1] / SLOTS_PER_ENDPOINT + ")");
  }
}
