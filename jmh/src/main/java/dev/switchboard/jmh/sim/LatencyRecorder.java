package dev.switchboard.jmh.sim;

import java.util.Arrays;

/**
 * Every request's latency, kept exactly (one long per request), with exact nearest-rank
 * percentiles: the q-quantile is the {@code ⌈q × n⌉}-th smallest value. A few MB per million
 * requests, and no binning error to argue about.
 *
 * <p>Not thread-safe; used by one simulation thread.
 */
public final class LatencyRecorder {
  private final long[] nanos;
  private int recorded;
  private long[] sorted;

  /** Creates a recorder for {@code requests} requests. */
  public LatencyRecorder(int requests) {
    this.nanos = new long[requests];
  }

  /** Records the latency of one request. */
  public void record(long latencyNanos) {
    nanos[recorded++] = latencyNanos;
    sorted = null;
  }

  /** Returns the number of latencies recorded. */
  public int count() {
    return recorded;
  }

  /** Returns the q-quantile (0 < q ≤ 1) in milliseconds. */
  public double percentileMillis(double q) {
    if (recorded == 0) {
      return Double.NaN;
    }
    if (sorted == null) {
      sorted = Arrays.copyOf(nanos, recorded);
      Arrays.sort(sorted);
    }
    int rank = (int) Math.ceil(q * recorded - 1e-9); // 0.99 × 100 is 99.00000000000001 in binary

    return sorted[Math.max(0, Math.min(recorded, rank) - 1)] / 1e6;
  }
}
