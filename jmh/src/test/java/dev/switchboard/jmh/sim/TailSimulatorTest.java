package dev.switchboard.jmh.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TailSimulatorTest {
  /** Small runs: enough for the effects below, a fraction of a second each. */
  private static final int REQUESTS = 20_000;
  private static final long SEED = 7;

  @Test
  void sameSeedGivesIdenticalResults() {
    Report first = TailSimulator.simulate(REQUESTS, SEED, "test");
    Report second = TailSimulator.simulate(REQUESTS, SEED, "test");

    assertThat(second.json()).isEqualTo(first.json());
    assertThat(second.markdown()).isEqualTo(first.markdown());
  }

  @Test
  void anotherSeedGivesOtherResults() {
    ServerModel model = ServerModel.queueing(TailSimulator.QUEUEING_LOAD);
    RunResult first = Simulation.run(model, true, policy("sb-random"), REQUESTS, SEED);
    RunResult second = Simulation.run(model, true, policy("sb-random"), REQUESTS, SEED + 1);

    assertThat(second.p50Millis()).isNotEqualTo(first.p50Millis());
  }

  @Test
  void latencyOnlyPeakEwmaSendsFarLessToTheSlowBackendThanRoundRobin() {
    ServerModel model = ServerModel.latencyOnly();
    RunResult roundRobin = Simulation.run(model, true, policy("sb-wrr"), REQUESTS, SEED);
    RunResult peakEwma = Simulation.run(model, true, policy("sb-peak-ewma"), REQUESTS, SEED);
    RunResult healthy = Simulation.run(model, false, policy("sb-peak-ewma"), REQUESTS, SEED);

    assertThat(roundRobin.shareToSlow()).isCloseTo(0.10, within(1e-3));
    assertThat(peakEwma.shareToSlow()).isLessThan(0.01);
    assertThat(peakEwma.p99Millis()).isLessThan(1.2 * healthy.p99Millis());
    assertThat(roundRobin.p99Millis()).isGreaterThan(5 * healthy.p99Millis());
  }

  @Test
  void queueingRoundRobinWithASlowBackendIsUnstableAndFarWorseThanHealthy() {
    ServerModel model = ServerModel.queueing(TailSimulator.QUEUEING_LOAD);
    RunResult slow = Simulation.run(model, true, policy("sb-wrr"), REQUESTS, SEED);
    RunResult healthy = Simulation.run(model, false, policy("sb-wrr"), REQUESTS, SEED);
    RunResult peakEwma = Simulation.run(model, true, policy("sb-peak-ewma"), REQUESTS, SEED);

    assertThat(slow.p99Millis()).isGreaterThan(50 * healthy.p99Millis());
    assertThat(slow.unstable()).isTrue();
    assertThat(slow.maxDemand()).isGreaterThan(5);
    assertThat(healthy.unstable()).isFalse();
    assertThat(peakEwma.unstable()).isFalse();
    assertThat(peakEwma.maxDemand()).isLessThan(1);
  }

  @Test
  void aFastFailingBackendIsAvoidedByEverySwitchboardBalancerButDrawsGrpcsLeastRequest() {
    for (FailureSimulation.Load load : FailureSimulation.Load.values()) {
      for (String key : new String[] {"sb-least-request", "sb-peak-ewma"}) {
        FailureSimulation.Result result = FailureSimulation.run(
            FailureSimulation.Fault.FAILS_FAST, load, policy(key), SEED);
        assertThat(result.shareAfter()).as("%s %s", key, load).isLessThanOrEqualTo(0.05);
      }
      for (String key : new String[] {"sb-wrr", "sb-random", "sb-hash"}) {
        FailureSimulation.Result result = FailureSimulation.run(
            FailureSimulation.Fault.FAILS_FAST, load, policy(key), SEED);
        assertThat(result.shareAfter()).as("%s %s", key, load).isLessThanOrEqualTo(0.01);
      }
    }
    FailureSimulation.Result grpc = FailureSimulation.run(FailureSimulation.Fault.FAILS_FAST,
        FailureSimulation.Load.HEAVY, policy("grpc-least-request"), SEED);
    assertThat(grpc.shareAfter()).as("the black hole").isGreaterThan(0.5);
  }

  @Test
  void aFlappingBackendIsProbedBackBetweenFailuresButKeptOutLongerEachTime() {
    FailureSimulation.Result result = FailureSimulation.run(FailureSimulation.Fault.FLAPPING,
        FailureSimulation.Load.HEAVY, policy("sb-wrr"), SEED);

    // Ejections double (5 s, 10 s, ...), so it is back for part of its healthy phases only.
    assertThat(result.shareHealthy()).isBetween(0.03, 0.30);
    assertThat(result.shareAfter()).isLessThan(0.05);
  }

  private static Policy policy(String key) {
    return Policy.all().stream().filter(p -> p.key().equals(key)).findFirst().orElseThrow();
  }
}
