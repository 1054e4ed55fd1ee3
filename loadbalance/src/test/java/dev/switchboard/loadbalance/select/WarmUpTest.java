package dev.switchboard.loadbalance.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WarmUpTest {
  private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");
  private final WarmUp warmUp = new WarmUp(Duration.ofSeconds(100), 0.1);

  @Test
  void rampsLinearlyFromTheFloorToFullWeight() {
    assertThat(warmUp.effectiveWeight(100, START, START)).isEqualTo(10);
    assertThat(warmUp.effectiveWeight(100, START, START.plusSeconds(50))).isEqualTo(55);
    assertThat(warmUp.effectiveWeight(100, START, START.plusSeconds(100))).isEqualTo(100);
    assertThat(warmUp.effectiveWeight(100, START, START.plusSeconds(1_000))).isEqualTo(100);
    assertThat(warmUp.effectiveWeight(1, START, START)).isEqualTo(1);
    assertThat(warmUp.warming(START, START.plusSeconds(99))).isTrue();
    assertThat(warmUp.warming(START, START.plusSeconds(100))).isFalse();
  }

  @Test
  void clockSkewCountsAsJustStarted() {
    assertThat(warmUp.effectiveWeight(100, START, START.minusSeconds(30))).isEqualTo(10);
  }

  @Test
  void extremeInstantsAndWindowsNeverOverflow() {
    WarmUp forever = new WarmUp(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), 0.1);

    assertThat(warmUp.effectiveWeight(100, Instant.MIN, Instant.MAX)).isEqualTo(100);
    assertThat(warmUp.effectiveWeight(100, Instant.MAX, Instant.MIN)).isEqualTo(10);
    assertThat(warmUp.effectiveWeight(100, Instant.MIN, START)).isEqualTo(100);
    assertThat(warmUp.effectiveWeight(100, Instant.MAX, START)).isEqualTo(10);
    assertThat(warmUp.warming(Instant.MIN, Instant.MAX)).isFalse();
    assertThat(warmUp.warming(Instant.MAX, Instant.MIN)).isTrue();
    assertThat(forever.effectiveWeight(100, START, START.plusSeconds(3_600))).isEqualTo(10);
    assertThat(forever.effectiveWeight(100, Instant.MIN, Instant.MAX)).isBetween(10, 100);
    assertThat(forever.effectiveWeight(Integer.MAX_VALUE, Instant.MIN, Instant.MAX))
        .isPositive();
    assertThat(forever.warming(Instant.MIN, Instant.MAX)).isTrue();
  }

  @Test
  void subMillisecondWindowsRampToo() {
    WarmUp brief = new WarmUp(Duration.ofNanos(500_000), 0.1);

    assertThat(brief.effectiveWeight(100, START, START)).isEqualTo(10);
    assertThat(brief.effectiveWeight(100, START, START.plusNanos(250_000))).isEqualTo(55);
    assertThat(brief.effectiveWeight(100, START, START.minusSeconds(1))).isEqualTo(10);
    assertThat(brief.effectiveWeight(100, START, START.plusNanos(500_000))).isEqualTo(100);
  }

  @Test
  void noneLeavesWeightsAlone() {
    assertThat(WarmUp.NONE.effectiveWeight(70, START, START)).isEqualTo(70);
    assertThat(WarmUp.NONE.warming(START, START)).isFalse();
    assertThatThrownBy(() -> new WarmUp(Duration.ofSeconds(1), 0))
        .hasMessageContaining("floor 0.0 is out of range");
  }
}
