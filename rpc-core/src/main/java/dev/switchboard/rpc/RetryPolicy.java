package dev.switchboard.rpc;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * How a call is retried: up to {@code maxAttempts} attempts in all, after exponential backoff with
 * jitter (gRPC's retry: the n-th retry waits a random 80-120 % of
 * {@code min(initialBackoff × multiplier^(n-1), maxBackoff)}), for the status codes in
 * {@code retryOn}. Each retry goes to an instance the call has not tried yet when there is one,
 * and only while the channel's {@link RetryBudget} allows.
 *
 * <p>Immutable.
 *
 * @param maxAttempts attempts in all, including the first: 2..{@value #MAX_ATTEMPTS}
 * @param initialBackoff the wait before the first retry, positive
 * @param maxBackoff the longest wait, at least {@code initialBackoff}
 * @param multiplier the growth of the wait per retry, at least 1
 * @param retryOn the codes that are retried; not empty; DEADLINE_EXCEEDED only on idempotent
 *     methods (checked by {@link MethodPolicy})
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
    double multiplier, Set<Status.Code> retryOn) {

  /** gRPC's limit on attempts per call. */
  public static final int MAX_ATTEMPTS = 5;

  /** Three attempts, 50 ms doubling up to 1 s, on UNAVAILABLE only. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(50),
      Duration.ofSeconds(1), 2.0, EnumSet.of(Status.Code.UNAVAILABLE));

  /** Validates every component, naming the value and what is allowed. */
  public RetryPolicy {
    if (maxAttempts < 2 || maxAttempts > MAX_ATTEMPTS) {
      throw new IllegalArgumentException("retry maxAttempts " + maxAttempts
          + " is out of range (allowed: 2.." + MAX_ATTEMPTS + ", gRPC's limit; 1 means no retry:"
          + " leave the retry policy out)");
    }
    requireNonNull(initialBackoff, "initialBackoff");
    requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("retry initialBackoff " + initialBackoff
          + " is not positive");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("retry maxBackoff " + maxBackoff
          + " is shorter than initialBackoff " + initialBackoff);
    }
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("retry multiplier " + multiplier
          + " is out of range (allowed: >= 1)");
    }
    retryOn = Set.copyOf(requireNonNull(retryOn, "retryOn"));
    if (retryOn.isEmpty()) {
      throw new IllegalArgumentException("retryOn is empty (e.g. UNAVAILABLE)");
    }
    if (retryOn.contains(Status.Code.OK)) {
      throw new IllegalArgumentException("retryOn contains OK, which is not a failure");
    }
  }

  /** Returns the default policy with {@code maxAttempts}. */
  public static RetryPolicy attempts(int maxAttempts) {
    return new RetryPolicy(maxAttempts, DEFAULT.initialBackoff, DEFAULT.maxBackoff,
        DEFAULT.multiplier, DEFAULT.retryOn);
  }

  /** Returns a copy retrying on {@code codes}. */
  public RetryPolicy retryingOn(Set<Status.Code> codes) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, codes);
  }

  /**
   * Parses status code names as gRPC writes them ({@code UNAVAILABLE}, case-insensitive).
   *
   * @throws IllegalArgumentException naming an unknown code and listing the known ones
   */
  public static Set<Status.Code> codes(String... names) {
    Set<Status.Code> codes = EnumSet.noneOf(Status.Code.class);
    for (String name : names) {
      try {
        codes.add(Status.Code.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown status code '" + name + "' (allowed: "
            + java.util.Arrays.toString(Status.Code.values()) + ")", e);
      }
    }
    return codes;
  }
}
