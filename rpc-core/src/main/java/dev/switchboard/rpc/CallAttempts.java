package dev.switchboard.rpc;

import dev.switchboard.rpc.internal.RetryBudgetTracker;
import io.grpc.CallOptions;
import io.grpc.Deadline;
import io.grpc.Metadata;
import java.util.concurrent.TimeUnit;

/**
 * What the attempts of one call have done so far, shared between the call policies and the
 * balancers: the instances already tried (so a retry or hedge goes elsewhere) and the retry budget
 * (so retries cannot multiply an outage). {@code RpcClient} attaches one to every call of a
 * method that retries or hedges, under {@link #KEY}; Switchboard's balancers consult it on every
 * attempt after the first (gRPC marks those with the {@code grpc-previous-rpc-attempts} header).
 *
 * <p>Thread-safe: hedged attempts of one call may pick concurrently.
 */
public final class CallAttempts {

  /** Where a call carries its record. */
  public static final CallOptions.Key<CallAttempts> KEY =
      CallOptions.Key.create("switchboard.attempts");

  private static final Metadata.Key<String> PREVIOUS_ATTEMPTS =
      Metadata.Key.of("grpc-previous-rpc-attempts", Metadata.ASCII_STRING_MARSHALLER);

  private final RetryBudgetTracker budget;
  private final long startNanos;
  private Object[] tried = new Object[4];
  private int triedCount;
  private int decidedAttempt;
  private boolean admitted = true;

  /** Creates the record of a call that starts now, drawing retries from {@code budget}. */
  public CallAttempts(RetryBudgetTracker budget) {
    this.budget = budget;
    this.startNanos = budget.nanoTime();
  }

  /** Returns how many attempts came before the one these headers belong to (0 for the first). */
  public static int previousAttempts(Metadata headers) {
    String value = headers.get(PREVIOUS_ATTEMPTS);
    if (value == null) {
      return 0;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Decides whether attempt number {@code previous + 1} may go ahead: the budget must hold a
   * retry, and the deadline must leave at least as long as the attempts so far took on average.
   * Asking again for the same attempt (a pick can be repeated) returns the same answer.
   */
  public synchronized boolean admit(int previous, Deadline deadline) {
    if (previous <= decidedAttempt) {
      return admitted;
    }
    decidedAttempt = previous;
    if (deadline != null) {
      long averageNanos = (budget.nanoTime() - startNanos) / previous;
      if (deadline.timeRemaining(TimeUnit.NANOSECONDS) < averageNanos) {
        admitted = false;
        return false;
      }
    }
    admitted = budget.tryWithdraw();
    return admitted;
  }

  /**
   * Returns whether an attempt of this call other than number {@code attempt} (counted from 0)
   * went to {@code endpoint}.
   */
  public synchronized boolean tried(Object endpoint, int attempt) {
    for (int i = 0; i < triedCount; i++) {
      if (i != attempt && tried[i] == endpoint) {
        return true;
      }
    }
    return false;
  }

  /**
   * Records that attempt number {@code attempt} (counted from 0) goes to {@code endpoint}. gRPC
   * may pick again for the same attempt (when the first choice could not take the stream), so a
   * later record for the same attempt replaces the earlier one.
   */
  public synchronized void record(int attempt, Object endpoint) {
    if (attempt >= tried.length) {
      tried = java.util.Arrays.copyOf(tried, Math.max(attempt + 1, tried.length * 2));
    }
    tried[attempt] = endpoint;
    triedCount = Math.max(triedCount, attempt + 1);
  }
}
