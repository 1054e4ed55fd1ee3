package dev.switchboard.loadbalance.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EndpointLoadTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final EndpointLoad load = new EndpointLoad(now::get, TimeUnit.SECONDS.toNanos(10));

  private void call(long millis) {
    long start = load.started();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    load.finished(start);
  }

  @Test
  void countsCallsInFlight() {
    long a = load.started();
    long b = load.started();
    assertThat(load.inFlight()).isEqualTo(2);
    load.finished(a);
    load.finished(b);
    assertThat(load.inFlight()).isZero();
  }

  @Test
  void aSlowResponseRaisesTheAverageAtOnce() {
    call(10);
    assertThat(load.ewmaNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));

    call(500);

    assertThat(load.ewmaNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
  }

  @Test
  void fastResponsesPullItBackOverTheDecayWindow() {
    call(500);
    now.addAndGet(TimeUnit.SECONDS.toNanos(10)); // one window later
    load.observe(TimeUnit.MILLISECONDS.toNanos(10), now.get());

    // weight kept = e^-1: 500 * 0.368 + 10 * 0.632 = 190 ms
    assertThat(load.ewmaNanos() / 1e6).isCloseTo(190.3, offset(0.5));
  }

  @Test
  void costGrowsWithCallsInFlight() {
    call(10);
    double idle = load.cost();
    load.started();
    load.started();

    assertThat(load.cost()).isEqualTo(idle * 3);
  }

  @Test
  void endpointWithoutSamplesIsFreeWhileIdleThenTakesOneCallAtATime() {
    EndpointLoad fresh = new EndpointLoad(now::get, 1);
    assertThat(fresh.cost()).isZero();
    fresh.started();
    fresh.started();
    assertThat(fresh.cost()).isEqualTo(2 * EndpointLoad.UNMEASURED_BUSY_NANOS);
  }

  @Test
  void resetForgetsAStalePeak() {
    call(5_000);
    assertThat(load.cost()).isPositive();

    load.resetLatency();

    assertThat(load.ewmaNanos()).isZero();
    assertThat(load.cost()).isZero();
  }

  @Test
  void aFailedCallNeverGivesTheFirstSampleNorLowersTheAverage() {
    long start = load.started();
    now.addAndGet(TimeUnit.MICROSECONDS.toNanos(50));
    load.finished(start, true);
    assertThat(load.ewmaNanos()).isZero();

    call(10);
    start = load.started();
    now.addAndGet(TimeUnit.MICROSECONDS.toNanos(50));
    load.finished(start, true);

    assertThat(load.ewmaNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
  }

  @Test
  void theFailurePenaltyGrowsWithoutPracticalBound() {
    assertThat(EndpointLoad.failurePenalty(0)).isEqualTo(1);
    assertThat(EndpointLoad.failurePenalty(0.25)).isCloseTo(34.3, offset(0.1));
    assertThat(EndpointLoad.failurePenalty(1)).isCloseTo(100_001, offset(1.0));
  }

  @Test
  void anInstanceThatKeepsFailingFastLosesToAHealthyOneUnderLoad() {
    // Finagle's black hole, with accrual off or the instance kept in by the panic threshold:
    // a healthy instance at 50 ms with 20 calls in flight against one failing in 0.5 ms.
    EndpointLoad healthy = new EndpointLoad(now::get, TimeUnit.SECONDS.toNanos(10));
    EndpointLoad failing = new EndpointLoad(now::get, TimeUnit.SECONDS.toNanos(10));
    long start = healthy.started();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));
    healthy.finished(start);
    for (int i = 0; i < 20; i++) {
      healthy.started();
      long failed = failing.started();
      now.addAndGet(TimeUnit.MICROSECONDS.toNanos(500));
      failing.finished(failed, true);
      failing.health().failed();
    }

    assertThat(EndpointLoad.compare(healthy, failing, true)).isNegative();
    assertThat(EndpointLoad.compare(healthy, failing, false)).isNegative();
  }
}
