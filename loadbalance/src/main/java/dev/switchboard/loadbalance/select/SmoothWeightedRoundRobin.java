package dev.switchboard.loadbalance.select;

import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Smooth weighted round robin over a fixed set of weighted choices: over every run of
 * {@code sum(weights)} picks each choice {@code i} is picked {@code weights[i]} times, and its
 * picks are spread evenly rather than bunched: after any number of picks every choice is within
 * one pick of its exact share (weights 1, 2, 3 give {@code 2 1 0 2 1 2}, as nginx's smooth
 * weighted round robin does; where nginx breaks ties differently the sequences may differ, with
 * the same bound).
 *
 * <p>The sequence is computed once, at construction, into a schedule; a pick is one atomic
 * increment and an array read: no lock, no allocation. The position counters are striped by
 * thread (one cache line each), so concurrent callers do not contend; they wrap safely past 2^31
 * picks.
 *
 * <p><b>Schedule.</b> Weights are divided by their greatest common divisor; if their sum still
 * exceeds {@link #MAX_SCHEDULE_LENGTH} they are scaled down proportionally (each stays at least
 * 1), which bounds memory and build time at the cost of a rounding error below
 * {@code n / MAX_SCHEDULE_LENGTH} of the traffic per choice. The schedule is built by earliest
 * virtual deadline first: the k-th pick of choice i is due at {@code (k + 1/2) / w_i}; ties go to
 * the lower index. Building costs {@code O(L log n)} for a schedule of length L.
 *
 * <p>Thread-safe.
 */
public final class SmoothWeightedRoundRobin implements IndexSelector {

  /** The longest schedule built; larger weight sums are scaled down to fit. */
  public static final int MAX_SCHEDULE_LENGTH = 1 << 16;

  /** Counters striped by thread so that threads do not contend on one cache line. */
  private static final int STRIPES = 16;
  /** Ints per stripe: 16 × 4 bytes = one 64-byte cache line. */
  private static final int PADDING = 16;

  private final int[] schedule;
  private final AtomicIntegerArray positions = new AtomicIntegerArray(STRIPES * PADDING);

  /**
   * Creates a selector over {@code weights} (each at least 1) whose first pick is at schedule
   * position {@code start} (use a random start so that clients starting together do not all
   * pick the same choice first).
   */
  public SmoothWeightedRoundRobin(int[] weights, int start) {
    this.schedule = schedule(weights);
    for (int stripe = 0; stripe < STRIPES; stripe++) {
      // Spread the stripes over the schedule so that threads do not walk it in lock-step.
      positions.set(stripe * PADDING, start + (int) ((long) stripe * schedule.length / STRIPES));
    }
  }

  /**
   * Returns the index of the next choice. Each thread advances the position of its stripe, so the
   * sequence seen by one thread is the smooth schedule, and every stripe cycles through it whole.
   */
  @Override
  public int next() {
    @SuppressWarnings("deprecation") // Thread.threadId() arrives in Java 19; getId() is the same
    int stripe = ((int) Thread.currentThread().getId() & (STRIPES - 1)) * PADDING;
    return schedule[Integer.remainderUnsigned(positions.getAndIncrement(stripe), schedule.length)];
  }

  /** Returns the length of one full cycle of the schedule. */
  public int cycleLength() {
    return schedule.length;
  }

  /** Returns the schedule for {@code weights}: indexes into it, in pick order. */
  public static int[] schedule(int[] weights) {
    if (weights.length == 0) {
      throw new IllegalArgumentException("no weights");
    }
    int[] reduced = reduce(weights);
    long total = 0;
    for (int weight : reduced) {
      total += weight;
    }
    int[] schedule = new int[(int) total];
    int[] picked = new int[reduced.length];
    // Deadline of choice i's next pick: (2 * picked[i] + 1) / (2 * w_i); compare by cross-multiplying.
    PriorityQueue<Integer> queue = new PriorityQueue<>(reduced.length, (a, b) -> {
      long lhs = (2L * picked[a] + 1) * reduced[b];
      long rhs = (2L * picked[b] + 1) * reduced[a];
      return lhs != rhs ? Long.compare(lhs, rhs) : Integer.compare(a, b);
    });
    for (int i = 0; i < reduced.length; i++) {
      queue.add(i);
    }
    for (int position = 0; position < schedule.length; position++) {
      int choice = queue.poll();
      schedule[position] = choice;
      picked[choice]++;
      if (picked[choice] < reduced[choice]) {
        queue.add(choice);
      }
    }
    return schedule;
  }

  private static int[] reduce(int[] weights) {
    int gcd = 0;
    long total = 0;
    for (int weight : weights) {
      if (weight < 1) {
        throw new IllegalArgumentException("weight " + weight + " is not positive");
      }
      gcd = gcd(gcd, weight);
      total += weight;
    }
    int[] reduced = new int[weights.length];
    long reducedTotal = total / gcd;
    for (int i = 0; i < weights.length; i++) {
      reduced[i] = weights[i] / gcd;
    }
    if (reducedTotal <= MAX_SCHEDULE_LENGTH) {
      return reduced;
    }
    int budget = Math.max(MAX_SCHEDULE_LENGTH, weights.length);
    for (int i = 0; i < weights.length; i++) {
      reduced[i] = (int) Math.max(1, Math.round((double) weights[i] * budget / total));
    }
    return reduced;
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
