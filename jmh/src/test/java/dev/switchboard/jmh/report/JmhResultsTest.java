package dev.switchboard.jmh.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JmhResultsTest {

  @Test
  void readsScoresPercentilesAllocationAndNanErrors() throws Exception {
    JmhResults results = JmhResults.parse(Fixtures.text(ResultFiles.PICK_1T), "pick-1t.json");

    JmhResult wrr = results.find("PickBenchmark",
        Map.of("policy", "switchboard_weighted_round_robin", "endpoints", "1000")).orElseThrow();
    assertThat(wrr.mode()).isEqualTo("avgt");
    assertThat(wrr.method()).isEqualTo("pick");
    assertThat(wrr.primary().score()).isCloseTo(9.826, within(0.001));
    assertThat(wrr.primary().unit()).isEqualTo("ns/op");
    assertThat(wrr.primary().error()).isNaN();
    assertThat(wrr.allocationPerOp().getAsDouble()).isLessThan(0.5);
    assertThat(wrr.jmhVersion()).isEqualTo("1.37");
    assertThat(wrr.iterations()).isEqualTo("1 fork, 1 × 300 ms warm-up, 1 × 300 ms measured");
  }

  @Test
  void tellsPickBenchmarkFromDubboPickBenchmark() throws Exception {
    JmhResults results = JmhResults.parse(Fixtures.text(ResultFiles.PICK_1T), "pick-1t.json");

    assertThat(results.values("PickBenchmark", "policy")).containsExactly(
        "ring_hash_experimental", "switchboard_consistent_hash",
        "switchboard_weighted_round_robin", "weighted_round_robin");
    assertThat(results.values("DubboPickBenchmark", "policy"))
        .containsExactly("consistenthash", "roundrobin");
    assertThat(results.find("PickBenchmark", Map.of("policy", "roundrobin"))).isEmpty();
  }

  @Test
  void readsSampleModePercentiles() throws Exception {
    JmhResults results = JmhResults.parse(Fixtures.text(ResultFiles.CALL_LATENCY), "latency");

    JmhResult raw = results.find("CallOverheadBenchmark",
        Map.of("transport", "netty", "stack", "raw")).orElseThrow();
    assertThat(raw.mode()).isEqualTo("sample");
    assertThat(raw.percentile(50.0).getAsDouble()).isCloseTo(477.952, within(0.001));
    assertThat(raw.percentile(99.0).getAsDouble()).isCloseTo(9658.532, within(0.01));
    assertThat(raw.primary().error()).isPositive();
  }

  @Test
  void rejectsJsonThatIsNotJmhs() {
    assertThatThrownBy(() -> JmhResults.parse("{\"results\": []}", "x.json"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x.json");
    assertThatThrownBy(() -> JmhResults.parse("[{\"ns\": 3}]", "y.json"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y.json");
  }
}
