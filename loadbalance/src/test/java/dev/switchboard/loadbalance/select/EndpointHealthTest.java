package dev.switchboard.loadbalance.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EndpointHealthTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final AtomicLong now = new AtomicLong(7 * SECOND);
  // 5 in a row, or 50 % of 10 calls within 10 s; 5 s doubling to 40 s; no jitter.
  private final EndpointHealth.Rule rule =
      new EndpointHealth.Rule(5, 0.5, 10, 10 * SECOND, 5 * SECOND, 40 * SECOND);
  private final EndpointHealth health = new EndpointHealth(rule, now::get, () -> 1.0, SECOND);
  // (a failure score time constant of 1 s: e^-0.1 = 0.905 after 100 ms)

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      health.failed();
    }
  }

  @Test
  void fiveFailuresInARowEject() {
    fail(4);
    assertThat(health.state()).isEqualTo(EndpointHealth.HEALTHY);

    assertThat(health.failed()).isEqualTo(EndpointHealth.Change.EJECTED);
    assertThat(health.state()).isEqualTo(EndpointHealth.EJECTED);
    assertThat(health.ejectedUntilNanos()).isEqualTo(now.get() + 5 * SECOND);
  }

  @Test
  void aSuccessBreaksTheRun() {
    fail(4);
    health.succeeded();
    fail(4);

    assertThat(health.state()).isEqualTo(EndpointHealth.HEALTHY);
  }

  @Test
  void aHighFailureRatioEjectsWithoutARun() {
    for (int i = 0; i < 5; i++) {
      health.succeeded();
      health.failed(); // the tenth call, the fifth failure: judged on a failure
    }

    assertThat(health.state()).isEqualTo(EndpointHealth.EJECTED);
  }

  @Test
  void theRatioIsJudgedWithinTheWindowOnly() {
    for (int i = 0; i < 4; i++) {
      health.failed();
      health.succeeded();
    }
    now.addAndGet(11 * SECOND); // the window starts again
    health.failed();
    health.succeeded();

    assertThat(health.state()).isEqualTo(EndpointHealth.HEALTHY);
  }

  @Test
  void afterTheBackoffOneProbeAtATimeThenASuccessRestores() {
    fail(5);
    assertThat(health.tryProbe()).isFalse();
    now.addAndGet(5 * SECOND - 1);
    assertThat(health.tick()).isFalse();

    now.addAndGet(1);
    assertThat(health.tick()).isTrue();
    assertThat(health.state()).isEqualTo(EndpointHealth.PROBING);
    assertThat(health.tryProbe()).isTrue();
    assertThat(health.tryProbe()).isFalse(); // one at a time

    assertThat(health.succeeded()).isEqualTo(EndpointHealth.Change.RESTORED);
    assertThat(health.state()).isEqualTo(EndpointHealth.HEALTHY);
    assertThat(health.failureScore()).isZero();
  }

  @Test
  void aFailedProbeEjectsForTwiceAsLongUpToTheMaximum() {
    fail(5);
    long[] expected = {10, 20, 40, 40};
    for (long seconds : expected) {
      now.set(health.ejectedUntilNanos());
      health.tick();
      assertThat(health.tryProbe()).isTrue();

      assertThat(health.failed()).isEqualTo(EndpointHealth.Change.EJECTED);
      assertThat(health.ejectedUntilNanos() - now.get()).isEqualTo(seconds * SECOND);
    }
  }

  @Test
  void anAbandonedProbeFreesTheNextOne() {
    fail(5);
    now.addAndGet(5 * SECOND);
    health.tick();
    assertThat(health.tryProbe()).isTrue();

    health.abandoned();

    assertThat(health.state()).isEqualTo(EndpointHealth.PROBING);
    assertThat(health.tryProbe()).isTrue();
  }

  @Test
  void theBackoffStartsAfreshAfterALongHealthyStretch() {
    fail(5);
    now.addAndGet(5 * SECOND);
    health.tick();
    health.succeeded();
    now.addAndGet(41 * SECOND); // longer than the longest ejection

    fail(5);

    assertThat(health.ejectedUntilNanos() - now.get()).isEqualTo(5 * SECOND);
  }

  @Test
  void jitterScalesTheBackoff() {
    EndpointHealth jittered = new EndpointHealth(rule, now::get, () -> 0.8, SECOND);
    for (int i = 0; i < 5; i++) {
      jittered.failed();
    }

    assertThat(jittered.ejectedUntilNanos() - now.get()).isEqualTo(4 * SECOND);
  }

  @Test
  void theFailureScoreRisesWithFailuresAndFadesWithTime() {
    health.failed();
    double once = health.failureScore();
    health.failed();
    double twice = health.failureScore();
    assertThat(twice).isGreaterThan(once);

    now.addAndGet(SECOND / 10);
    health.tick();
    assertThat(health.failureScore()).isBetween(twice * 0.90, twice * 0.91);

    now.addAndGet(10 * SECOND);
    health.tick();
    assertThat(health.failureScore()).isZero();
    assertThat(health.needsTicks()).isFalse();
  }

  @Test
  void aNeverEjectRuleOnlyScores() {
    EndpointHealth scoring = new EndpointHealth(EndpointLoad.NEVER_EJECT, now::get, () -> 1, SECOND);
    for (int i = 0; i < 1_000; i++) {
      scoring.failed();
    }

    assertThat(scoring.state()).isEqualTo(EndpointHealth.HEALTHY);
    assertThat(scoring.failureScore()).isGreaterThan(0.99);
  }

  @Test
  void outcomesOfCallsSentBeforeTheStateChangedDecideNothing() {
    int healthyEpoch = health.epoch();
    fail(5);
    now.addAndGet(5 * SECOND);
    health.tick();
    assertThat(health.tryProbe()).isTrue();

    // Calls sent while it was healthy end now: they neither restore nor re-eject it...
    assertThat(health.succeeded(healthyEpoch)).isEqualTo(EndpointHealth.Change.NONE);
    assertThat(health.failed(healthyEpoch)).isEqualTo(EndpointHealth.Change.NONE);
    health.abandoned(healthyEpoch);
    assertThat(health.state()).isEqualTo(EndpointHealth.PROBING);
    assertThat(health.tryProbe()).as("nor free the probe").isFalse();

    // ...the probe's own outcome does.
    assertThat(health.succeeded(health.epoch())).isEqualTo(EndpointHealth.Change.RESTORED);
  }

  @Test
  void aProbeThatNeverEndsIsFreedAfterTheTimeout() {
    fail(5);
    now.addAndGet(5 * SECOND);
    health.tick();
    assertThat(health.tryProbe()).isTrue();

    now.addAndGet(EndpointHealth.PROBE_TIMEOUT_NANOS - 1);
    health.tick();
    assertThat(health.tryProbe()).isFalse();
    now.addAndGet(1);
    health.tick();

    assertThat(health.tryProbe()).isTrue();
    assertThat(health.needsTicks()).isTrue();
  }

  @Test
  void aReplacedRuleAppliesToTheNextFailures() {
    health.rule(new EndpointHealth.Rule(2, 1, 1, 10 * SECOND, 5 * SECOND, 40 * SECOND));

    fail(2);

    assertThat(health.state()).isEqualTo(EndpointHealth.EJECTED);
  }
}
