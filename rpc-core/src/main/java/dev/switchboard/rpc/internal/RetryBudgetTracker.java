package dev.switchboard.rpc.internal;

import dev.switchboard.rpc.RetryBudget;
import java.util.function.LongSupplier;

/**
 * The running balance of a {@link RetryBudget}: each call deposits {@code ratio}, time deposits
 * {@code minPerSecond} per second, a retry withdraws 1; the balance is capped at
 * {@code ratio × 100 + minPerSecond}. Thread-safe (one small lock; deposits are one per call).
 */
public final class RetryBudgetTracker {
  private final double ratio;
  private final double perNano;
  private final double cap;
  private final LongSupplier nanoClock;
  private double balance;
  private long lastNanos;
  private long withdrawals;
  private long denials;

  /** Tracks {@code budget}, timed by {@code nanoClock} (e.g. {@code System::nanoTime}). */
  public RetryBudgetTracker(RetryBudget budget, LongSupplier nanoClock) {
    this.ratio = budget.ratio();
    this.perNano = budget.minPerSecond() / 1e9;
    this.cap = budget.ratio() * 100 + budget.minPerSecond();
    this.nanoClock = nanoClock;
    this.lastNanos = nanoClock.getAsLong();
    this.balance = budget.minPerSecond(); // a second's worth of floor to start with
  }

  /** Returns the tracker's clock reading, in nanoseconds. */
  public long nanoTime() {
    return nanoClock.getAsLong();
  }

  /** Records a call (its first attempt). */
  public synchronized void deposit() {
    refill();
    balance = Math.min(cap, balance + ratio);
  }

  /** Takes one retry from the budget, if it holds one. */
  public synchronized boolean tryWithdraw() {
    refill();
    if (balance >= 1) {
      balance -= 1;
      withdrawals++;
      return true;
    }
    denials++;
    return false;
  }

  /** Returns how many retries the budget has granted so far. */
  public synchronized long withdrawals() {
    return withdrawals;
  }

  /** Returns how many retries the budget has refused so far. */
  public synchronized long denials() {
    return denials;
  }

  /** Returns the retries the budget holds now (at most its cap). */
  public synchronized double balance() {
    refill();
    return balance;
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    balance = Math.min(cap, balance + (now - lastNanos) * perNano);
    lastNanos = now;
  }
}
