package dev.switchboard.jmh.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.jmh.lb.DubboPickBenchmark;
import dev.switchboard.jmh.lb.PickBenchmark;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SuitePlanTest {
  private static final Path DOCS = Path.of("docs");
  private static final JmhSettings SHORT = new JmhSettings(1, 1, Duration.ofMillis(500), 1,
      Duration.ofMillis(500));

  private static JmhRun run(SuitePlan plan, String name) {
    return plan.steps().stream().filter(s -> s.name().equals(name)).map(JmhRun.class::cast)
        .findFirst().orElseThrow();
  }

  @Test
  void quickPlanFitsItsBudget() {
    SuitePlan quick = SuitePlan.of(SuiteMode.QUICK, DOCS);

    assertThat(quick.estimatedSeconds()).isLessThanOrEqualTo(SuitePlan.QUICK_BUDGET_SECONDS);
    assertThat(quick.describe()).contains("quick mode").contains("budget 10 min");
  }

  @Test
  void quickPlanRunsThePickTargetsSizeAndFullPlanEveryParameter() {
    JmhRun quick = run(SuitePlan.of(SuiteMode.QUICK, DOCS), "pick-1t");
    JmhRun full = run(SuitePlan.of(SuiteMode.FULL, DOCS), "pick-1t");

    assertThat(quick.arguments()).containsSequence("-p", "endpoints=1000")
        .containsSequence("-prof", "gc").containsSequence("-t", "1")
        .containsSequence("-f", "1").containsSequence("-foe", "true")
        .containsSequence("-rf", "json", "-rff", Path.of("docs", "bench", "pick-1t.json")
            .toString());
    assertThat(full.params()).isEmpty();
    assertThat(full.settings().forks()).isGreaterThan(1);
    assertThat(full.combinations()).isEqualTo(3 * quick.combinations());
  }

  @Test
  void everyStepWritesUnderDocsBench() {
    for (SuiteMode mode : SuiteMode.values()) {
      assertThat(SuitePlan.of(mode, DOCS).steps())
          .allSatisfy(step -> assertThat(step.resultFile().getParent())
              .isEqualTo(DOCS.resolve("bench")));
    }
  }

  @Test
  void aParameterValueTheBenchmarkLacksIsRejected() {
    JmhRun run = JmhRun.of("picks", "picks", Path.of("x.json"), SHORT, 1, PickBenchmark.class,
        DubboPickBenchmark.class);

    assertThatThrownBy(() -> run.param("endpoints", "7").combinations())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PickBenchmark has no endpoints value 7");
    assertThatThrownBy(() -> run.param("threads", "7").combinations())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("parameter threads");
    assertThatThrownBy(() -> run.methods("select").combinations())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no benchmark method");
  }

  @Test
  void estimateIsCombinationsTimesForkTime() {
    JmhRun run = JmhRun.of("picks", "picks", Path.of("x.json"), SHORT, 1, PickBenchmark.class)
        .param("endpoints", "10").param("policy", "round_robin", "switchboard_peak_ewma");

    assertThat(run.combinations()).isEqualTo(2);
    // 2 × 1 fork × (0.5 + 0.5 + 1) s + 1 s for the host JVM
    assertThat(run.estimatedSeconds()).isEqualTo(5.0);
    assertThat(run.arguments()).startsWith("org.openjdk.jmh.Main",
        "dev\\.switchboard\\.jmh\\.lb\\.PickBenchmark\\.");
  }

  @Test
  void commandsAreShellQuoted() {
    assertThat(ChildJvm.quote("-p")).isEqualTo("-p");
    assertThat(ChildJvm.quote("a\\.b$")).isEqualTo("'a\\.b$'");
    assertThat(ChildJvm.quote("it's")).isEqualTo("'it'\\''s'");
  }
}
