package dev.switchboard.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.rpc.RetryBudget;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The retry budget's balance, on a fake clock. */
class RetryBudgetTrackerTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  private RetryBudgetTracker tracker(double ratio, double minPerSecond) {
    return new RetryBudgetTracker(new RetryBudget(ratio, minPerSecond), clock::get);
  }

  private void advance(long amount, TimeUnit unit) {
    clock.addAndGet(unit.toNanos(amount));
  }

  /** Withdraws until refused; returns how many withdrawals succeeded (at most 10,000). */
  private static int drain(RetryBudgetTracker tracker) {
    int withdrawn = 0;
    while (withdrawn < 10_000 && tracker.tryWithdraw()) {
      withdrawn++;
    }
    return withdrawn;
  }

  @Test
  void startsWithOneSecondsWorthOfMinPerSecond() {
    RetryBudgetTracker tracker = tracker(0.5, 3);

    assertThat(tracker.tryWithdraw()).isTrue();
    assertThat(tracker.tryWithdraw()).isTrue();
    assertThat(tracker.tryWithdraw()).isTrue();
    assertThat(tracker.tryWithdraw()).as("the fourth retry").isFalse();
  }

  @Test
  void withoutMinPerSecondTheBudgetStartsEmpty() {
    RetryBudgetTracker tracker = tracker(0.5, 0);

    assertThat(tracker.tryWithdraw()).isFalse();
    advance(1, TimeUnit.HOURS);
    assertThat(tracker.tryWithdraw()).as("time adds nothing either").isFalse();
  }

  @Test
  void eachDepositAddsTheRatio() {
    RetryBudgetTracker tracker = tracker(0.25, 0);

    tracker.deposit();
    tracker.deposit();
    tracker.deposit();
    assertThat(tracker.tryWithdraw()).as("0.75 is less than one retry").isFalse();

    tracker.deposit();
    assertThat(tracker.tryWithdraw()).as("four calls at 0.25 earn one retry").isTrue();
    assertThat(tracker.tryWithdraw()).isFalse();
  }

  @Test
  void ratioOfDepositsBoundsRetries() {
    RetryBudgetTracker tracker = tracker(0.5, 0);

    for (int i = 0; i < 40; i++) {
      tracker.deposit();
    }

    assertThat(drain(tracker)).isEqualTo(20);
  }

  @Test
  void withdrawalsFailOnceEmptyAndDoNotGoNegative() {
    RetryBudgetTracker tracker = tracker(0.5, 2);
    assertThat(drain(tracker)).isEqualTo(2);

    for (int i = 0; i < 5; i++) {
      assertThat(tracker.tryWithdraw()).isFalse();
    }
    tracker.deposit();
    tracker.deposit();
    assertThat(tracker.tryWithdraw()).as("refused withdrawals took nothing").isTrue();
  }

  @Test
  void timeRefillsMinPerSecond() {
    RetryBudgetTracker tracker = tracker(0.5, 4);
    assertThat(drain(tracker)).isEqualTo(4);

    advance(250, TimeUnit.MILLISECONDS);
    assertThat(drain(tracker)).as("a quarter second at 4/s").isEqualTo(1);

    advance(2, TimeUnit.SECONDS);
    assertThat(drain(tracker)).as("two seconds at 4/s").isEqualTo(8);

    advance(100, TimeUnit.MILLISECONDS);
    assertThat(tracker.tryWithdraw()).as("0.4 of a retry").isFalse();
    advance(150, TimeUnit.MILLISECONDS);
    assertThat(tracker.tryWithdraw()).as("0.4 kept + 0.6 more").isTrue();
  }

  @Test
  void balanceIsCappedAtRatioTimesHundredPlusMinPerSecond() {
    RetryBudgetTracker idle = tracker(0.25, 1);
    advance(1, TimeUnit.HOURS);
    assertThat(drain(idle)).as("cap 0.25 x 100 + 1").isEqualTo(26);

    RetryBudgetTracker busy = tracker(0.5, 0);
    for (int i = 0; i < 1_000; i++) {
      busy.deposit();
    }
    assertThat(drain(busy)).as("cap 0.5 x 100 + 0").isEqualTo(50);
  }

  @Test
  void depositsAndTimeTogetherStayUnderTheCap() {
    RetryBudgetTracker tracker = tracker(0.5, 10);
    for (int i = 0; i < 200; i++) {
      tracker.deposit();
    }
    advance(30, TimeUnit.SECONDS);

    assertThat(drain(tracker)).isEqualTo(60);
  }

  @Test
  void nanoTimeReadsTheInjectedClock() {
    RetryBudgetTracker tracker = tracker(0.2, 10);

    assertThat(tracker.nanoTime()).isEqualTo(1_000_000_000L);
    advance(5, TimeUnit.MILLISECONDS);
    assertThat(tracker.nanoTime()).isEqualTo(1_005_000_000L);
  }

  @Test
  void budgetValuesAreCheckedNamingTheValue() {
    assertThatThrownBy(() -> new RetryBudget(1.5, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retry budget ratio 1.5 is out of range (allowed: 0..1)");
    assertThatThrownBy(() -> new RetryBudget(-0.1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ratio -0.1 is out of range");
    assertThatThrownBy(() -> new RetryBudget(Double.NaN, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ratio NaN is out of range");
    assertThatThrownBy(() -> new RetryBudget(0.2, 1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retry budget minPerSecond 1001.0 is out of range (allowed: 0..1000)");
    assertThatThrownBy(() -> new RetryBudget(0.2, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minPerSecond -1.0 is out of range");
    assertThatThrownBy(() -> new RetryBudget(0.2, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minPerSecond Infinity is out of range");
  }

  @Test
  void budgetBoundsAreAllowed() {
    assertThat(new RetryBudget(0, 0).ratio()).isZero();
    assertThat(new RetryBudget(1, 1000).minPerSecond()).isEqualTo(1000);
    assertThat(RetryBudget.DEFAULT).isEqualTo(new RetryBudget(0.2, 10));
  }
}
