package dev.switchboard.jmh.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the zone simulation shows, and that it is reproducible. */
class ZoneSimulationTest {
  private static final List<ZoneSimulation.Result> RESULTS = ZoneSimulation.runAll(42);

  private static ZoneSimulation.Result result(ZoneSimulation.Scenario scenario, String policy,
      boolean zoneAware) {
    return RESULTS.stream().filter(r -> r.scenario() == scenario && r.balancer().equals(policy)
        && r.zoneAware() == zoneAware).findFirst().orElseThrow();
  }

  @Test
  void aHealthyZoneKeepsEveryCallAndZoneBlindBalancersSendHalfAway() {
    for (String policy : ZoneSimulation.POLICIES) {
      assertThat(result(ZoneSimulation.Scenario.HEALTHY, policy, true).crossZone()).isZero();
      assertThat(result(ZoneSimulation.Scenario.HEALTHY, policy, false).crossZone())
          .isBetween(0.40, 0.60);
    }
    // the round trip saved shows in the median
    assertThat(result(ZoneSimulation.Scenario.HEALTHY, "sb-wrr", true).p50Millis())
        .isLessThan(result(ZoneSimulation.Scenario.HEALTHY, "sb-wrr", false).p50Millis());
  }

  @Test
  void oneFailingBackendKeepsCallsHomeTwoSpillThemOver() {
    for (String policy : ZoneSimulation.POLICIES) {
      ZoneSimulation.Result one = result(ZoneSimulation.Scenario.ONE_FAILING, policy, true);
      ZoneSimulation.Result two = result(ZoneSimulation.Scenario.TWO_FAILING, policy, true);
      assertThat(one.crossZone()).as(policy + ": 2 of 3 healthy is above half").isLessThan(0.01);
      assertThat(two.crossZone()).as(policy + ": 1 of 3 healthy is below half")
          .isGreaterThan(0.5);
      assertThat(two.failed()).as(policy + ": failure accrual still ejects the broken ones")
          .isLessThan(0.01);
    }
  }

  @Test
  void theSameSeedGivesTheSameTables() {
    assertThat(ZoneSimulation.markdown(ZoneSimulation.runAll(42), 42))
        .isEqualTo(ZoneSimulation.markdown(RESULTS, 42));
  }
}
