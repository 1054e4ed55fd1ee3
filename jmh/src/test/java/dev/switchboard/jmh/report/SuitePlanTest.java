package dev.switchboard.jmh.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.jmh.call.DubboTripleBenchmark;
import dev.switchboard.jmh.call.HeadToHeadBenchmark;
import dev.switchboard.jmh.call.TelemetryCallBenchmark;
import dev.switchboard.jmh.call.TlsCallBenchmark;
import dev.switchboard.jmh.lb.DubboPickBenchmark;
import dev.switchboard.jmh.lb.PickBenchmark;
import dev.switchboard.jmh.sim.SubsetSimulation;
import dev.switchboard.jmh.sim.ZoneSimulation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.ProfilerConfig;

class SuitePlanTest {
  private static final Path DOCS = Path.of("docs");
  private static final JmhSettings SHORT = new JmhSettings(1, 1, Duration.ofMillis(500), 1,
      Duration.ofMillis(500));

  private static final String NO_OPEN_SSL = "-Dio.netty.handler.ssl.noOpenSsl=true";
  private static final ChildJvm JVM = new ChildJvm("java", "jmh/target/benchmarks.jar",
      new PrintStream(new ByteArrayOutputStream()));

  /** Parses a run's JMH arguments (its main class left out) with JMH's own parser. */
  private static CommandLineOptions jmhOptions(JmhRun run) throws Exception {
    List<String> args = run.arguments();
    assertThat(args.get(0)).isEqualTo("org.openjdk.jmh.Main");
    return new CommandLineOptions(args.subList(1, args.size()).toArray(String[]::new));
  }

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

  @Test
  void tlsStepsFollowTheCallStepsWithTheCallSettingsInBothModes() {
    for (SuiteMode mode : SuiteMode.values()) {
      SuitePlan plan = SuitePlan.of(mode, DOCS);
      List<String> names = plan.steps().stream().map(Step::name).toList();
      assertThat(names).containsSubsequence("call-async", "call-tls", "call-tls-jdk",
          "hash-quality");
      assertThat(names.indexOf("call-tls")).isEqualTo(names.indexOf("call-async") + 1);
      JmhRun latency = run(plan, "call-latency");
      for (String name : List.of("call-tls", "call-tls-jdk")) {
        JmhRun tls = run(plan, name);
        assertThat(tls.benchmarks()).containsExactly(TlsCallBenchmark.class);
        assertThat(tls.settings()).isEqualTo(latency.settings());
        assertThat(tls.forkOverheadSeconds()).isEqualTo(latency.forkOverheadSeconds());
        assertThat(tls.benchmarkMode()).isNull(); // the class's own: sample mode
        assertThat(tls.gcProfiler()).isFalse();
        assertThat(tls.combinations()).isEqualTo(3); // raw-plaintext, raw-tls, switchboard-tls
        assertThat(tls.resultFile()).isEqualTo(DOCS.resolve("bench").resolve(name + ".json"));
        assertThat(tls.stdoutCapture()).isEqualTo(DOCS.resolve("bench").resolve(name + ".log"));
      }
    }
    // quick: 3 × 1 fork × (5 s iterating + 2.5 s start-up) + 1 s; full: 3 × 3 × (16 + 2.5) + 1
    assertThat(run(SuitePlan.of(SuiteMode.QUICK, DOCS), "call-tls").estimatedSeconds())
        .isEqualTo(23.5);
    assertThat(run(SuitePlan.of(SuiteMode.FULL, DOCS), "call-tls-jdk").estimatedSeconds())
        .isEqualTo(167.5);
    assertThat(run(SuitePlan.of(SuiteMode.QUICK, DOCS), "call-tls").estimateFormula())
        .isEqualTo("3 combinations × 1 fork × (5.00 s iterating + 2.50 s start-up) + 1.00 s");
  }

  @Test
  void onlyTheJdkStepSwitchesOpenSslOffInTheForkedJvms() throws Exception {
    SuitePlan quick = SuitePlan.of(SuiteMode.QUICK, DOCS);
    JmhRun boringSsl = run(quick, "call-tls");
    JmhRun jdk = run(quick, "call-tls-jdk");

    assertThat(boringSsl.arguments()).doesNotContain("-jvmArgsAppend");
    assertThat(jmhOptions(boringSsl).getJvmArgsAppend().hasValue()).isFalse();
    assertThat(jdk.jvmArgsAppend()).containsExactly(NO_OPEN_SSL);
    assertThat(jdk.arguments()).containsSequence("-jvmArgsAppend", NO_OPEN_SSL)
        .containsSequence("-rf", "json", "-rff", DOCS.resolve("bench").resolve("call-tls-jdk.json")
            .toString());
    CommandLineOptions options = jmhOptions(jdk);
    assertThat(options.getJvmArgsAppend().get()).containsExactly(NO_OPEN_SSL);
    assertThat(options.getBenchModes()).isEmpty(); // the class's sample mode
    assertThat(options.getForkCount().get()).isEqualTo(1);
    assertThat(options.getResult().get())
        .isEqualTo(DOCS.resolve("bench").resolve("call-tls-jdk.json").toString());
    assertThat(options.getIncludes())
        .containsExactly("dev\\.switchboard\\.jmh\\.call\\.TlsCallBenchmark\\.");
    assertThat(JVM.display(jdk)).isEqualTo("java -cp jmh/target/benchmarks.jar"
        + " org.openjdk.jmh.Main 'dev\\.switchboard\\.jmh\\.call\\.TlsCallBenchmark\\.'"
        + " -f 1 -wi 2 -w 1s -i 3 -r 1s -t 1 -jvmArgsAppend " + NO_OPEN_SSL
        + " -foe true -rf json -rff " + DOCS.resolve("bench").resolve("call-tls-jdk.json"));
  }

  @Test
  void telemetryStepFollowsTheTlsStepsWithTheCallSettingsAndGcInBothModes() {
    for (SuiteMode mode : SuiteMode.values()) {
      SuitePlan plan = SuitePlan.of(mode, DOCS);
      List<String> names = plan.steps().stream().map(Step::name).toList();
      assertThat(names).containsSubsequence("call-tls", "call-tls-jdk", "call-telemetry",
          "hash-quality").containsOnlyOnce("call-telemetry");
      assertThat(names.indexOf("call-telemetry")).isEqualTo(names.indexOf("call-tls-jdk") + 1);
      JmhRun latency = run(plan, "call-latency");
      JmhRun telemetry = run(plan, "call-telemetry");
      assertThat(telemetry.benchmarks()).containsExactly(TelemetryCallBenchmark.class);
      assertThat(telemetry.settings()).isEqualTo(latency.settings());
      assertThat(telemetry.forkOverheadSeconds()).isEqualTo(latency.forkOverheadSeconds());
      assertThat(telemetry.benchmarkMode()).isNull(); // the class's own: sample mode
      assertThat(telemetry.gcProfiler()).isTrue();
      assertThat(telemetry.threads()).isEqualTo(1);
      assertThat(telemetry.params()).isEmpty();
      assertThat(telemetry.combinations()).isEqualTo(6); // 2 transports × off, metrics, tracing
      assertThat(telemetry.jvmArgsAppend()).isEmpty();
      assertThat(telemetry.stdoutCapture()).isNull();
      assertThat(telemetry.resultFile())
          .isEqualTo(DOCS.resolve("bench").resolve("call-telemetry.json"));
    }
    // quick: 6 × 1 fork × (5 s iterating + 2.5 s start-up) + 1 s; full: 6 × 3 × (16 + 2.5) + 1
    JmhRun quick = run(SuitePlan.of(SuiteMode.QUICK, DOCS), "call-telemetry");
    JmhRun full = run(SuitePlan.of(SuiteMode.FULL, DOCS), "call-telemetry");
    assertThat(quick.estimatedSeconds()).isEqualTo(46.0);
    assertThat(full.estimatedSeconds()).isEqualTo(334.0);
    assertThat(quick.estimateFormula())
        .isEqualTo("6 combinations × 1 fork × (5.00 s iterating + 2.50 s start-up) + 1.00 s");
    assertThat(full.estimateFormula())
        .isEqualTo("6 combinations × 3 forks × (16.0 s iterating + 2.50 s start-up) + 1.00 s");
  }

  @Test
  void telemetryStepsCommandLineRunsTheBenchmarkInSampleModeWithTheGcProfiler() throws Exception {
    JmhRun quick = run(SuitePlan.of(SuiteMode.QUICK, DOCS), "call-telemetry");
    JmhRun full = run(SuitePlan.of(SuiteMode.FULL, DOCS), "call-telemetry");
    String result = DOCS.resolve("bench").resolve("call-telemetry.json").toString();

    assertThat(JVM.display(quick)).isEqualTo("java -cp jmh/target/benchmarks.jar"
        + " org.openjdk.jmh.Main 'dev\\.switchboard\\.jmh\\.call\\.TelemetryCallBenchmark\\.'"
        + " -f 1 -wi 2 -w 1s -i 3 -r 1s -t 1 -prof gc -foe true -rf json -rff " + result);
    assertThat(JVM.display(full)).isEqualTo("java -cp jmh/target/benchmarks.jar"
        + " org.openjdk.jmh.Main 'dev\\.switchboard\\.jmh\\.call\\.TelemetryCallBenchmark\\.'"
        + " -f 3 -wi 3 -w 2s -i 5 -r 2s -t 1 -prof gc -foe true -rf json -rff " + result);
    CommandLineOptions options = jmhOptions(quick);
    assertThat(options.getIncludes())
        .containsExactly("dev\\.switchboard\\.jmh\\.call\\.TelemetryCallBenchmark\\.");
    assertThat(options.getBenchModes()).isEmpty(); // the class's sample mode
    assertThat(options.getProfilers()).extracting(ProfilerConfig::getKlass).containsExactly("gc");
    assertThat(options.getForkCount().get()).isEqualTo(1);
    assertThat(options.getResult().get()).isEqualTo(result);
    assertThat(options.getJvmArgsAppend().hasValue()).isFalse();
  }

  @Test
  void severalForkedJvmArgumentsGoInOneQuotedJvmArgsAppendValue() throws Exception {
    JmhRun run = JmhRun.of("picks", "picks", Path.of("x.json"), SHORT, 1, PickBenchmark.class)
        .jvmArgsAppend("-Da=1").jvmArgsAppend("-Xmx1g", "-Db=two");

    assertThat(run.arguments()).containsSequence("-jvmArgsAppend", "-Da=1 -Xmx1g -Db=two")
        .containsOnlyOnce("-jvmArgsAppend");
    assertThat(JVM.display(run)).contains(" -jvmArgsAppend '-Da=1 -Xmx1g -Db=two' -foe true ");
    assertThat(jmhOptions(run).getJvmArgsAppend().get())
        .containsExactly("-Da=1", "-Xmx1g", "-Db=two");
    assertThat(run.estimatedSeconds()).isEqualTo(JmhRun.of("picks", "picks", Path.of("x.json"),
        SHORT, 1, PickBenchmark.class).estimatedSeconds());
  }

  @Test
  void aForkedJvmArgumentJmhWouldSplitOrAnOutputOverTheResultIsRejected() {
    JmhRun run = JmhRun.of("picks", "picks", Path.of("x.json"), SHORT, 1, PickBenchmark.class);

    assertThatThrownBy(() -> run.jvmArgsAppend("-Dname=two words"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("picks: JMH splits -jvmArgsAppend at whitespace")
        .hasMessageContaining("'-Dname=two words'");
    assertThatThrownBy(() -> run.jvmArgsAppend(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> run.captureStdout(Path.of("x.json")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overwrite");
    assertThat(run.stdoutCapture()).isNull();
  }

  private static final String DUBBO_LOGGER = "-Ddubbo.application.logger=slf4j";

  @Test
  void dubboStepRunsEachMethodsOwnModeAndThreadsAndKeepsItsForkedJvmArgument() throws Exception {
    SuitePlan full = SuitePlan.of(SuiteMode.FULL, DOCS);
    List<String> names = full.steps().stream().map(Step::name).toList();
    assertThat(names.indexOf("dubbo-triple")).isEqualTo(names.indexOf("call-telemetry") + 1);
    JmhRun dubbo = run(full, "dubbo-triple");
    JmhRun latency = run(full, "call-latency");

    assertThat(dubbo.benchmarks()).containsExactly(DubboTripleBenchmark.class);
    assertThat(dubbo.settings()).isEqualTo(latency.settings());
    assertThat(dubbo.forkOverheadSeconds()).isEqualTo(latency.forkOverheadSeconds());
    assertThat(dubbo.combinations()).isEqualTo(20); // 4 methods × 5 stacks
    assertThat(dubbo.resultFile()).isEqualTo(DOCS.resolve("bench").resolve(
        "call-dubbo-triple.json"));
    CommandLineOptions options = jmhOptions(dubbo);
    assertThat(options.getThreads().hasValue()).isFalse(); // @Threads(8) must not become -t 1
    assertThat(options.getBenchModes()).isEmpty();
    // no -jvmArgsAppend, which would replace the class's @Fork(jvmArgsAppend = logger)
    assertThat(options.getJvmArgsAppend().hasValue()).isFalse();
    assertThat(options.getIncludes())
        .containsExactly("dev\\.switchboard\\.jmh\\.call\\.DubboTripleBenchmark\\.");
    // a run that adds its own forked-JVM arguments passes the class's first
    assertThat(jmhOptions(dubbo.jvmArgsAppend("-Da=1")).getJvmArgsAppend().get())
        .containsExactly(DUBBO_LOGGER, "-Da=1");
    // full: 20 × 3 forks × (16 s iterating + 2.5 s start-up) + 1 s
    assertThat(dubbo.estimatedSeconds()).isEqualTo(1111.0);
  }

  @Test
  void inQuickModeTheDubboStepIsOnRequestWithTheStacksItsTargetsNeed() throws Exception {
    SuitePlan quick = SuitePlan.of(SuiteMode.QUICK, DOCS);

    assertThat(quick.steps()).extracting(Step::name).doesNotContain("dubbo-triple");
    assertThat(quick.onRequest()).extracting(Step::name)
        .containsExactly("dubbo-triple", "call-head-to-head");
    JmhRun dubbo = (JmhRun) quick.onRequest().get(0);
    assertThat(dubbo.params()).containsEntry("stack",
        List.of("dubbo-triple", "raw-deadline", "switchboard"));
    assertThat(dubbo.combinations()).isEqualTo(12);
    assertThat(dubbo.estimatedSeconds()).isEqualTo(91.0); // 12 × (5 + 2.5) + 1
    assertThat(quick.describe()).contains("On request only (--only NAME), not in the run or its"
        + " estimate:\n  dubbo-triple ");
    assertThat(jmhOptions(dubbo).getThreads().hasValue()).isFalse();
  }

  @Test
  void onlyKeepsTheNamedStepsInPlanOrderAndRejectsOthersListingTheSteps() {
    SuitePlan quick = SuitePlan.of(SuiteMode.QUICK, DOCS);

    SuitePlan only = quick.only(List.of("dubbo-triple", "zone-sim", "pick-1t"));

    assertThat(only.steps()).extracting(Step::name)
        .containsExactly("pick-1t", "zone-sim", "dubbo-triple");
    assertThat(only.onRequest()).isEmpty();
    assertThat(only.describe()).startsWith("Benchmark suite, quick mode: 3 steps, estimated")
        .doesNotContain("call-latency").doesNotContain("On request");
    assertThatThrownBy(() -> quick.only(List.of("zone-sim", "pick-3t")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no step pick-3t in the quick plan; its steps: pick-1t, pick-2t,")
        .hasMessageEndingWith("subset-sim, discovery, dubbo-triple, call-head-to-head");
  }

  @Test
  void theHeadToHeadStepCountsEachGroupOnceAndLeavesTheThreadsToTheGroups() throws Exception {
    SuitePlan full = SuitePlan.of(SuiteMode.FULL, DOCS);
    List<String> names = full.steps().stream().map(Step::name).toList();

    assertThat(names.indexOf("call-head-to-head")).isEqualTo(names.indexOf("dubbo-triple") + 1);
    JmhRun headToHead = run(full, "call-head-to-head");
    assertThat(headToHead.benchmarks()).containsExactly(HeadToHeadBenchmark.class);
    assertThat(headToHead.combinations()).isEqualTo(3); // full1, full4, lean4: 6 methods
    assertThat(headToHead.resultFile()).isEqualTo(DOCS.resolve("bench").resolve(
        "call-head-to-head.json"));
    assertThat(jmhOptions(headToHead).getThreads().hasValue()).isFalse();
  }

  @Test
  void simulationStepsAndDiscoveryEstimate() {
    for (SuiteMode mode : SuiteMode.values()) {
      SuitePlan plan = SuitePlan.of(mode, DOCS);
      List<String> names = plan.steps().stream().map(Step::name).toList();
      assertThat(names).containsSubsequence("tail-sim", "zone-sim", "subset-sim", "discovery");
      MainRun zones = (MainRun) plan.steps().get(names.indexOf("zone-sim"));
      MainRun subsets = (MainRun) plan.steps().get(names.indexOf("subset-sim"));
      Path bench = DOCS.resolve("bench");
      assertThat(zones.arguments()).containsExactly(ZoneSimulation.class.getName(), "--seed",
          "42", "--markdown", bench.resolve("zone-sim.md").toString());
      assertThat(subsets.arguments()).containsExactly(SubsetSimulation.class.getName(),
          "--clients", "1000", "--providers", "1000", "--seed", "42", "--markdown",
          bench.resolve("subset-sim.md").toString());
      assertThat(zones.resultFile()).isEqualTo(bench.resolve("zone-sim.md"));
      assertThat(subsets.stdoutCapture()).isNull();
    }
    Step quick = SuitePlan.of(SuiteMode.QUICK, DOCS).only(List.of("discovery")).steps().get(0);
    Step full = SuitePlan.of(SuiteMode.FULL, DOCS).only(List.of("discovery")).steps().get(0);
    assertThat(quick.estimatedSeconds()).isEqualTo(29.0); // 4 + 10 rounds + 200 × 0.075
    assertThat(full.estimatedSeconds()).isEqualTo(109.0); // 4 + 30 rounds + 1,000 × 0.075
    assertThat(full.estimateFormula()).startsWith("4 s start-up + 30 rounds × 1 s + 1000"
        + " services × 0.075 s");
  }
}
