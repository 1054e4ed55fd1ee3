package dev.switchboard.jmh.sim;

/**
 * The outcome of one run: one balancer, one server model, the slow or the healthy cluster.
 *
 * <p><b>Unstable</b> (queueing model only): the backlog grows without bound, seen as growth over
 * the run: the mean number of requests waiting for a worker (over all backends, as seen by
 * arrivals) in the last tenth of the arrivals is at least {@value #GROWTH} × its mean in the
 * middle tenth (arrivals 45-55 %), and at least {@value #MIN_GROWING_BACKLOG}. A queue fed
 * faster than it drains grows linearly, which gives about 1.9 ×; a stable one gives about 1 ×.
 * The highest demand ρ of a backend (service time sent to it ÷ (workers × arrival window)) is
 * reported alongside: above 1 a queue must grow. It is not the criterion, because a
 * load-aware balancer can hold a slow backend at ρ ≈ 1 with a short, bounded queue. An unstable
 * run's tail latencies only say how long the run was: they grow with {@code --requests}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param model the server model's key
 * @param slowCluster whether backend #0 was slow
 * @param policy the balancer
 * @param requests requests simulated
 * @param virtualSeconds virtual time from the first arrival to the last completion
 * @param p50Millis median latency
 * @param p99Millis 99th percentile latency
 * @param p999Millis 99.9th percentile latency
 * @param shareToSlow the fraction of requests sent to backend #0 (the slow one in the slow
 *     cluster)
 * @param maxDemand the highest demand ρ of any backend, NaN without queueing
 * @param waitingMiddle mean requests waiting (all backends) seen by arrivals in the middle tenth,
 *     NaN without queueing
 * @param waitingEnd the same over the last tenth, NaN without queueing
 * @param maxQueue the longest queue of any backend, -1 without queueing
 */
public record RunResult(String model, boolean slowCluster, Policy policy, int requests,
    double virtualSeconds, double p50Millis, double p99Millis, double p999Millis,
    double shareToSlow, double maxDemand, double waitingMiddle, double waitingEnd,
    int maxQueue) {

  /** How much the backlog must grow, last tenth over middle tenth, to count as unbounded. */
  public static final double GROWTH = 1.5;
  /** Below this mean backlog in the last tenth growth is noise, not instability. */
  public static final int MIN_GROWING_BACKLOG = 10;

  /** Returns whether the model has queues (so that stability means something). */
  public boolean queueing() {
    return maxQueue >= 0;
  }

  /** Returns whether the run was unstable (see the class comment); false without queueing. */
  public boolean unstable() {
    if (!queueing()) {
      return false;
    }
    return waitingEnd >= GROWTH * waitingMiddle && waitingEnd >= MIN_GROWING_BACKLOG;
  }
}
