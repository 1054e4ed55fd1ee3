package dev.switchboard.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket of explained calls, on a fake clock. */
class ExplainLimiterTest {
  private final AtomicLong clock = new AtomicLong(42);
  private final ExplainLimiter limiter = new ExplainLimiter(10, clock::get);

  private int acquired(int tries) {
    int acquired = 0;
    for (int i = 0; i < tries; i++) {
      acquired += limiter.tryAcquire() ? 1 : 0;
    }
    return acquired;
  }

  @Test
  void startsFullAndRefusesOnceEmpty() {
    assertThat(acquired(50)).isEqualTo(10);
  }

  @Test
  void refillsAtItsRate() {
    acquired(10);
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(99));
    assertThat(acquired(5)).as("not yet a whole token").isZero();
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(acquired(5)).isEqualTo(1);
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(550));
    assertThat(acquired(50)).isEqualTo(5);
  }

  @Test
  void neverHoldsMoreThanASecondsWorth() {
    acquired(10);
    clock.addAndGet(TimeUnit.SECONDS.toNanos(60));
    assertThat(acquired(100)).isEqualTo(10);
  }

  @Test
  void aClockThatGoesBackAddsNothing() {
    acquired(10);
    clock.addAndGet(-TimeUnit.SECONDS.toNanos(5));
    assertThat(acquired(10)).isZero();
  }

  @Test
  void rejectsAZeroRate() {
    assertThatThrownBy(() -> new ExplainLimiter(0, clock::get))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perSecond 0");
  }
}
