package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.Explain;
import java.util.function.LongSupplier;

/**
 * The rate limit of explained calls: a token bucket of {@code perSecond} tokens, refilled at
 * {@code perSecond} a second on an injected nano clock, starting full. One per {@code RpcClient}
 * ({@link Explain#MAX_CALLS_PER_SECOND}); a call it refuses is simply not explained. Consulted
 * only by calls that ask to be explained. Thread-safe (one small lock).
 */
public final class ExplainLimiter {
  /**
   * The limiter of compiled references whose resources bring none of their own (benchmarks,
   * tests): one for the whole process, on {@link System#nanoTime()}.
   */
  public static final ExplainLimiter SHARED =
      new ExplainLimiter(Explain.MAX_CALLS_PER_SECOND, System::nanoTime);

  private final double capacity;
  private final double perNano;
  private final LongSupplier nanoClock;
  private double tokens;
  private long lastNanos;

  /** Allows {@code perSecond} (at least 1) explained calls a second, timed by {@code nanoClock}. */
  public ExplainLimiter(int perSecond, LongSupplier nanoClock) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond " + perSecond + " is not positive");
    }
    this.capacity = perSecond;
    this.perNano = perSecond / 1e9;
    this.nanoClock = nanoClock;
    this.tokens = perSecond;
    this.lastNanos = nanoClock.getAsLong();
  }

  /** Takes one token if the bucket holds one; returns whether it did. */
  public synchronized boolean tryAcquire() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(capacity, tokens + Math.max(0, now - lastNanos) * perNano);
    lastNanos = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
