package dev.switchboard.jmh.sim;

/**
 * One load-balancing policy as the simulation drives it: a pick per request, then the two events
 * a client-side balancer can observe, the request being sent and its response arriving. A
 * strategy sees nothing else of the backends (no queue lengths, no service times), just as a real
 * client does not.
 *
 * <p>Implementations are not thread-safe: each is created for, and used by, one simulation run on
 * one thread.
 */
public interface BalancerStrategy {

  /** Returns the index of the backend for the next request. */
  int pick();

  /**
   * Records that a request was sent to {@code backend}; returns a token handed back to
   * {@link #completed} (e.g. the send time for balancers that time round trips).
   */
  long sent(int backend);

  /** Records that the request sent to {@code backend} with {@code token} was answered. */
  void completed(int backend, long token);

  /**
   * Records that the request sent to {@code backend} with {@code token} ended, with a failure
   * status if {@code failed}; strategies that do not look at outcomes ignore it.
   */
  default void completed(int backend, long token, boolean failed) {
    completed(backend, token);
  }
}
