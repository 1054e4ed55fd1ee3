package dev.switchboard.jmh.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  @TempDir
  Path docs;

  private String writeReport() throws Exception {
    Path report = ReportWriter.write(docs);
    assertThat(report).isEqualTo(docs.resolve("benchmarks.md"));
    return Files.readString(report);
  }

  @Test
  void pickTableHasTheRatiosToGrpcAndDubbo() throws Exception {
    Fixtures.docs(docs);

    String report = writeReport();

    // 296.796 / 9.826 and 211,866.871 / 9.826 ns per pick (N = 1000, 1 thread)
    assertThat(report).contains("| switchboard_weighted_round_robin | 9.83 | 0 | not run"
        + " | gRPC weighted_round_robin (no ORCA reports) | 30.2× | Dubbo RoundRobinLoadBalance"
        + " | 21,562× |");
    assertThat(report).contains("| Dubbo RoundRobinLoadBalance | 211,867 | 40,156 | not run |");
  }

  @Test
  void callTablesHaveTheRatiosToRawGrpcJava() throws Exception {
    Fixtures.docs(docs);

    String report = writeReport();

    // Netty p50: lean 774.656 µs over raw 477.952 µs
    assertThat(report).contains("| Netty loopback | switchboard-lean | 1,177 ± 443 | 774.7"
        + " | 5,041 | 16,581 | 1.62× | raw | +296.7 | +731 |");
    // async, 64 in flight: full stack 2,876.5 over raw-deadline 3,599.3 calls/s
    assertThat(report).contains("| Netty loopback | switchboard | not run | not run"
        + " | 2,877 (0.80×) | 15,866 | raw-deadline |");
    assertThat(report).contains("Netty loopback blocking call p50 478.0 µs");
  }

  @Test
  void targetsAreJudgedFromTheData() throws Exception {
    Fixtures.docs(docs);

    List<TargetRow> targets = Targets.compute(ReportData.load(docs));

    assertThat(targets).contains(
        new TargetRow("consistent-hash pick ≤ 30 ns at N=1000, 0 B/op (key hashing included)",
            "switchboard_consistent_hash 30.2 ns, 0 B/op", "not met"),
        new TargetRow("consistent hash: max/avg keys ≤ 1.05 at N=100", "1.022", "met"),
        new TargetRow("registration → first pick ≤ 100 ms (every round: judged on the max)",
            "max 87.6 ms over 10 rounds (p50 42.3 ms)", "met"),
        new TargetRow("one slow backend of 10: p99 ≤ 1.2 × healthy p99 with peak EWMA"
            + " (simulation)", "latency-only 1.01×; queueing 1.05×", "met"));
    assertThat(targets).anySatisfy(row -> {
      assertThat(row.target()).startsWith("pick ≤ 20 ns at N=1000");
      assertThat(row.measured()).isEqualTo("switchboard_weighted_round_robin 9.83 ns, 0 B/op");
      assertThat(row.verdict()).isEqualTo("not yet (not run: switchboard_weighted_random,"
          + " switchboard_least_request, switchboard_peak_ewma)");
    });
    assertThat(targets).anySatisfy(row -> {
      assertThat(row.target()).startsWith("Netty: p50 ≤ 1.05 × raw grpc-java");
      assertThat(row.measured()).startsWith("switchboard-lean 1.62× raw (p50 774.7 vs 478.0 µs)");
      assertThat(row.verdict()).isEqualTo("not met");
    });
    assertThat(writeReport()).contains("| consistent hash: max/avg keys ≤ 1.05 at N=100 | 1.022"
        + " | met |");
  }

  @Test
  void aSlowFirstPickIsNotMet() throws Exception {
    Fixtures.docs(docs);
    Path discovery = docs.resolve("bench").resolve(ResultFiles.DISCOVERY);
    Files.writeString(discovery, Files.readString(discovery).replace("| 87.6 |", "| 131.0 |"));

    assertThat(writeReport()).contains("| registration → first pick ≤ 100 ms (every round:"
        + " judged on the max) | max 131.0 ms over 10 rounds (p50 42.3 ms) | not met |");
  }

  @Test
  void missingFilesGiveNotRunRows() throws Exception {
    String report = writeReport();

    assertThat(report).contains("| pick ≤ 20 ns at N=1000, 0 B/op (weighted, two-choice)"
        + " | no pick-1t.json | not run |");
    assertThat(report).contains("| Netty: p50 ≤ 1.05 × raw grpc-java | no call-latency.json"
        + " | not run |");
    assertThat(report).contains("| registration → first pick ≤ 100 ms (every round: judged on"
        + " the max) | no discovery.md | not run |");
    assertThat(report).contains("Not run (no pick-1t.json). Not run (no pick-2t.json).");
    assertThat(report).contains("Not run (no hash-quality.md).");
    assertThat(report).contains("### BoringSSL via netty-tcnative (`call-tls`, Netty's default)"
        + "\n\nNot run (no call-tls.json).\n\n");
    assertThat(report).contains("| Switchboard over grpc-java with the same mutual TLS settings:"
        + " p50 overhead ≤ 5 % | no call-tls.json | not run |");
    assertThat(report).contains("## Telemetry (µs per blocking unary call, metrics and traces on"
        + " vs off)");
    assertThat(report).contains("| " + METRICS_IN_PROCESS_TARGET + " | no call-telemetry.json"
        + " | not run |");
    assertThat(report).contains("| mode | unknown: no suite record (no suite-run.json)");
    assertThat(Targets.compute(ReportData.load(docs)))
        .allSatisfy(row -> assertThat(row.verdict()).isEqualTo("not run"));
  }

  @Test
  void anUnreadableFileIsReportedNotThrown() throws Exception {
    Fixtures.docs(docs);
    Files.writeString(docs.resolve("bench").resolve(ResultFiles.PICK_1T), "[{\"ns\": 7.4}]");

    String report = writeReport();

    assertThat(report).contains("Unreadable pick-1t.json (");
    assertThat(report).contains("| unreadable pick-1t.json | not run |");
  }

  @Test
  void theSuiteRecordGivesModeCommandAndStepCommands() throws Exception {
    Fixtures.docs(docs);
    Instant started = Instant.parse("2026-11-26T21:00:00Z");
    new SuiteRecord("quick", "jmh/bench --quick", "java -cp jmh/target/benchmarks.jar"
        + " dev.switchboard.jmh.report.BenchmarkSuite --quick", started,
        started.plusSeconds(500), new MachineInfo("Test CPU", 2, "8.0 GiB", "Test OS", "Test JDK"),
        List.of(new SuiteRecord.StepRecord("pick-1t", "pick cost, 1 thread",
            "bench/pick-1t.json", "java -cp jmh/target/benchmarks.jar org.openjdk.jmh.Main x",
            53, 61)), null).write(docs.resolve("bench").resolve(ResultFiles.SUITE_RUN));

    String report = writeReport();

    assertThat(report).contains("| mode | quick |");
    assertThat(report).contains("| command | `jmh/bench --quick`, i.e. `java -cp"
        + " jmh/target/benchmarks.jar dev.switchboard.jmh.report.BenchmarkSuite --quick` |");
    assertThat(report).contains("| run | 2026-11-26 21:00:00 UTC to 2026-11-26 21:08:20 UTC"
        + " (8 min 20 s; steps 1 min 01 s, estimated 53 s) |");
    assertThat(report).contains("| CPU | Test CPU, 2 cores available to the JVM |");
    assertThat(report).contains("- pick-1t: pick cost, 1 thread, [bench/pick-1t.json]"
        + "(bench/pick-1t.json) (took 1 min 01 s, estimated 53 s)\n"
        + "  `java -cp jmh/target/benchmarks.jar org.openjdk.jmh.Main x`");
  }

  @Test
  void theReportIsTheSameForTheSameData() {
    Fixtures.docs(docs);
    MachineInfo machine = new MachineInfo("cpu", 2, "1 GiB", "os", "jdk");
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    assertThat(ReportWriter.render(ReportData.load(docs), machine, now))
        .isEqualTo(ReportWriter.render(ReportData.load(docs), machine, now));
  }

  private static final String TLS_TARGET = "Switchboard over grpc-java with the same mutual TLS"
      + " settings: p50 overhead ≤ 5 %";
  private static final String TLS_JDK_TARGET = "the same on the JDK's TLS (forced with"
      + " `-Dio.netty.handler.ssl.noOpenSsl=true`)";

  private static TargetRow target(ReportData data, String target) {
    return Targets.compute(data).stream().filter(row -> row.target().equals(target)).findFirst()
        .orElseThrow();
  }

  private void replaceInFixture(String file, String from, String to) throws Exception {
    Path path = docs.resolve("bench").resolve(file);
    String text = Files.readString(path);
    assertThat(text).containsOnlyOnce(from);
    Files.writeString(path, text.replace(from, to));
  }

  @Test
  void tlsSectionHasEachProviderWithRatiosToRawMutualTls() throws Exception {
    Fixtures.docs(docs);

    String report = writeReport();

    assertThat(report).contains("## Transport security (µs per blocking unary call over TLS)");
    assertThat(report).contains("### BoringSSL via netty-tcnative (`call-tls`, Netty's default)"
        + "\n\nTLS implementation: OpenSSL (netty-tcnative BoringSSL), as the benchmark printed"
        + " it (call-tls.log). Measured: 1 fork, 2 × 1 s warm-up, 3 × 1 s measured.\n\n");
    // BoringSSL: p50 104.448 (plaintext), 110.080 (raw mutual TLS), 114.432 (Switchboard) µs
    assertThat(report).contains("| `raw-plaintext` | raw grpc-java, plaintext | 112.4 ± 3.1"
        + " | 104.4 | 201.2 | 0.95× | −5.63 |\n"
        + "| `raw-tls` | raw grpc-java, mutual TLS (baseline) | 118.9 ± 2.7 | 110.1 | 215.0"
        + " | 1.00× | — |\n"
        + "| `switchboard-tls` | Switchboard, mutual TLS | 123.1 ± 3.4 | 114.4 | 230.4 | 1.04×"
        + " | +4.35 |\n");
    assertThat(report).contains("### The JDK's TLS (`call-tls-jdk`, forced with"
        + " `-Dio.netty.handler.ssl.noOpenSsl=true`)\n\nTLS implementation: the JDK's (Debian"
        + " 17.0.15), as the benchmark printed it (call-tls-jdk.log).");
    // the JDK's: 123.392 − 116.224 µs
    assertThat(report).contains("| `switchboard-tls` | Switchboard, mutual TLS | 133.7 ± 3.6"
        + " | 123.4 | 262.7 | 1.06× | +7.17 |");
    assertThat(report.indexOf("## Transport security")).isGreaterThan(
        report.indexOf("## Call throughput")).isLessThan(report.indexOf("## Hash quality"));
  }

  @Test
  void tlsTargetIsJudgedOnTheDefaultProviderAndTheJdkOnItsOwnRow() throws Exception {
    Fixtures.docs(docs);

    ReportData data = ReportData.load(docs);

    // 114.432 / 110.080 − 1 = 3.95 % ≤ 5 %; 123.392 / 116.224 − 1 = 6.17 % > 5 %
    assertThat(target(data, TLS_TARGET)).isEqualTo(new TargetRow(TLS_TARGET,
        "OpenSSL (netty-tcnative BoringSSL): switchboard-tls +3.95 % over raw-tls (p50 114.4 vs"
            + " 110.1 µs)", "met"));
    assertThat(target(data, TLS_JDK_TARGET)).isEqualTo(new TargetRow(TLS_JDK_TARGET,
        "the JDK's (Debian 17.0.15): switchboard-tls +6.17 % over raw-tls (p50 123.4 vs 116.2"
            + " µs)", "not met"));
    assertThat(writeReport()).contains("| " + TLS_TARGET + " | OpenSSL (netty-tcnative"
        + " BoringSSL): switchboard-tls +3.95 % over raw-tls (p50 114.4 vs 110.1 µs) | met |");
  }

  @Test
  void aTlsOverheadOverFivePercentIsNotMetAndUnderItIsMet() throws Exception {
    Fixtures.docs(docs);
    // Switchboard's p50 on BoringSSL to 118.272 µs: +7.44 %; on the JDK's to 121.856: +4.85 %
    replaceInFixture(ResultFiles.CALL_TLS, "\"50.0\": 114.432", "\"50.0\": 118.272");
    replaceInFixture(ResultFiles.CALL_TLS_JDK, "\"50.0\": 123.392", "\"50.0\": 121.856");

    ReportData data = ReportData.load(docs);

    assertThat(target(data, TLS_TARGET).measured()).contains("switchboard-tls +7.44 % over");
    assertThat(target(data, TLS_TARGET).verdict()).isEqualTo("not met");
    assertThat(target(data, TLS_JDK_TARGET).measured()).contains("switchboard-tls +4.85 % over");
    assertThat(target(data, TLS_JDK_TARGET).verdict()).isEqualTo("met");
  }

  @Test
  void aMissingTlsResultIsNotRunAndTheOtherProviderStillRenders() throws Exception {
    Fixtures.docs(docs);
    Files.delete(docs.resolve("bench").resolve(ResultFiles.CALL_TLS_JDK));

    String report = writeReport();

    assertThat(report).contains("### The JDK's TLS (`call-tls-jdk`, forced with"
        + " `-Dio.netty.handler.ssl.noOpenSsl=true`)\n\nNot run (no call-tls-jdk.json).\n\n");
    assertThat(report).contains("| " + TLS_JDK_TARGET + " | no call-tls-jdk.json | not run |");
    assertThat(report).contains("| `switchboard-tls` | Switchboard, mutual TLS | 123.1 ± 3.4");
    assertThat(target(ReportData.load(docs), TLS_TARGET).verdict()).isEqualTo("met");
  }

  @Test
  void aTlsResultWithoutOneStackSaysWhichIsMissing() throws Exception {
    Fixtures.docs(docs);
    replaceInFixture(ResultFiles.CALL_TLS, "\"stack\": \"raw-tls\"", "\"stack\": \"other\"");

    String report = writeReport();

    assertThat(report).contains("| `raw-tls` | raw grpc-java, mutual TLS (baseline) | not run"
        + " | not run | not run | not run | not run |");
    assertThat(report).contains("| `switchboard-tls` | Switchboard, mutual TLS | 123.1 ± 3.4"
        + " | 114.4 | 230.4 | not run | not run |");
    assertThat(target(ReportData.load(docs), TLS_TARGET)).isEqualTo(new TargetRow(TLS_TARGET,
        "switchboard-tls and raw-tls in call-tls.json", "not run"));
  }

  @Test
  void withoutItsOutputAStepsTlsImplementationIsLabelledByStepAsNotConfirmed() throws Exception {
    Fixtures.docs(docs);
    Files.delete(docs.resolve("bench").resolve(ResultFiles.CALL_TLS_LOG));
    Files.writeString(docs.resolve("bench").resolve(ResultFiles.CALL_TLS_JDK_LOG),
        "# JMH version: 1.37\n# Run complete. Total time: 00:00:24\n");

    String report = writeReport();

    assertThat(report).contains("TLS implementation: not confirmed (no call-tls.log); the step"
        + " is meant to run BoringSSL via netty-tcnative. Measured: 1 fork");
    assertThat(report).contains("TLS implementation: not confirmed (call-tls-jdk.log names"
        + " none); the step is meant to run the JDK's TLS. Measured: 1 fork");
    assertThat(target(ReportData.load(docs), TLS_TARGET).measured()).isEqualTo("BoringSSL via"
        + " netty-tcnative (not confirmed: no call-tls.log): switchboard-tls +3.95 % over raw-tls"
        + " (p50 114.4 vs 110.1 µs)");
  }

  @Test
  void aDefaultStepThatRanTheJdksTlsSaysSo() throws Exception {
    Fixtures.docs(docs);
    Files.writeString(docs.resolve("bench").resolve(ResultFiles.CALL_TLS_LOG),
        Fixtures.text(ResultFiles.CALL_TLS_JDK_LOG));

    String report = writeReport();

    assertThat(report).contains("TLS implementation: the JDK's (Debian 17.0.15), as the benchmark"
        + " printed it (call-tls.log): not BoringSSL via netty-tcnative, which this step is meant"
        + " to measure.");
    assertThat(target(ReportData.load(docs), TLS_TARGET).measured())
        .startsWith("the JDK's (Debian 17.0.15): switchboard-tls +3.95 %");
  }

  @Test
  void theTlsImplementationLineIsFoundWhereverJmhRelaysIt() {
    assertThat(TlsRun.implementations(Fixtures.text(ResultFiles.CALL_TLS_LOG)))
        .containsExactly("OpenSSL (netty-tcnative BoringSSL)");
    assertThat(TlsRun.implementations("# Warmup Iteration   1: TLS implementation: A (1)  \r\n"
        + "104.1 us/op\nTLS implementation: B\nTLS implementation: A (1)\nno implementation\n"))
        .containsExactly("A (1)", "B");
    assertThat(TlsRun.implementations("TLS implementation: \n")).isEmpty();
  }

  @Test
  void withoutASuiteRecordTheReproduceSectionHasTheTlsStepsCommands() throws Exception {
    String report = writeReport();

    String jmh = "`java -cp jmh/target/benchmarks.jar org.openjdk.jmh.Main"
        + " 'dev\\.switchboard\\.jmh\\.call\\.TlsCallBenchmark\\.'"
        + " -f 1 -wi 2 -w 1s -i 3 -r 1s -t 1 ";
    assertThat(report).contains("- call-tls: blocking unary call latency over mutual TLS,"
        + " BoringSSL via netty-tcnative (Netty's default)\n  " + jmh + "-foe true -rf json -rff "
        + Path.of("docs", "bench", "call-tls.json") + "`\n");
    assertThat(report).contains("- call-tls-jdk: blocking unary call latency over mutual TLS,"
        + " the JDK's TLS (forced with -Dio.netty.handler.ssl.noOpenSsl=true)\n  " + jmh
        + "-jvmArgsAppend -Dio.netty.handler.ssl.noOpenSsl=true -foe true -rf json -rff "
        + Path.of("docs", "bench", "call-tls-jdk.json") + "`\n");
  }

  private static final String METRICS_IN_PROCESS_TARGET = "metrics on, in-process: ≤ 1 µs added"
      + " per call (p50) over off";
  private static final String METRICS_NETTY_TARGET = "metrics on, over Netty: ≤ 2 % added (p50)"
      + " over off";
  private static final String TRACING_ROW = "tracing on with a no-op exporter (no target)";

  @Test
  void telemetrySectionHasEachTransportWithTheCostOverTelemetryOff() throws Exception {
    Fixtures.docs(docs);

    String report = writeReport();

    String section = report.substring(report.indexOf("## Telemetry (µs per blocking unary call,"
        + " metrics and traces on vs off)\n\n`TelemetryCallBenchmark`, sample mode, with"
        + " `-prof gc`"), report.indexOf("## Hash quality"));
    assertThat(section).contains("\n\nMeasured: 1 fork, 2 × 1 s warm-up, 3 × 1 s measured.\n\n"
        + "### In-process\n\n");
    // in-process p50: off 22.016, metrics 22.784 (+0.768), metrics-tracing 25.600 (+3.584) µs
    assertThat(section).contains("| telemetry |  | mean | p50 | p99 | B/call | p50 added, µs"
        + " | p50 ÷ off |\n|---|---|---|---|---|---|---|---|\n"
        + "| `off` | nothing installed (baseline) | 23.4 ± 0.3 | 22.0 | 35.3 | 5,632 | —"
        + " | 1.00× |\n"
        + "| `metrics` | metrics | 24.2 ± 0.3 | 22.8 | 36.9 | 6,272 | +0.77 | 1.03× |\n"
        + "| `metrics-tracing` | metrics and traces, no-op exporter | 27.3 ± 0.4 | 25.6 | 41.5"
        + " | 8,545 | +3.58 | 1.16× |\n\n### Netty loopback\n\n");
    // Netty p50: off 104.448, metrics 107.008 (+2.56), metrics-tracing 110.592 (+6.144) µs
    assertThat(section).contains(
        "| `off` | nothing installed (baseline) | 112.9 ± 2.8 | 104.4 | 199.7 | 15,904 | —"
            + " | 1.00× |\n"
            + "| `metrics` | metrics | 115.6 ± 2.9 | 107.0 | 204.8 | 16,561 | +2.56 | 1.02× |\n"
            + "| `metrics-tracing` | metrics and traces, no-op exporter | 120.4 ± 3.3 | 110.6"
            + " | 215.0 | 18,850 | +6.14 | 1.06× |\n");
    assertThat(report.indexOf("## Telemetry")).isGreaterThan(
        report.indexOf("## Transport security")).isLessThan(report.indexOf("## Hash quality"));
  }

  @Test
  void telemetryTargetsAreJudgedOnMetricsAgainstOffAndTracingIsReported() throws Exception {
    Fixtures.docs(docs);

    ReportData data = ReportData.load(docs);

    // in-process 22.784 − 22.016 = +0.768 µs ≤ 1 µs; Netty 107.008 / 104.448 − 1 = 2.45 % > 2 %
    assertThat(target(data, METRICS_IN_PROCESS_TARGET)).isEqualTo(new TargetRow(
        METRICS_IN_PROCESS_TARGET, "metrics +0.77 µs over off (p50 22.8 vs 22.0 µs)", "met"));
    assertThat(target(data, METRICS_NETTY_TARGET)).isEqualTo(new TargetRow(METRICS_NETTY_TARGET,
        "metrics +2.45 % over off (p50 107.0 vs 104.4 µs)", "not met"));
    assertThat(target(data, TRACING_ROW)).isEqualTo(new TargetRow(TRACING_ROW,
        "in-process: metrics-tracing +3.58 µs, +16.3 % over off (p50 25.6 vs 22.0 µs);"
            + " Netty loopback: metrics-tracing +6.14 µs, +5.88 % over off (p50 110.6 vs"
            + " 104.4 µs)", "reported"));
    List<String> targets = Targets.compute(data).stream().map(TargetRow::target).toList();
    assertThat(targets).containsSubsequence(TLS_JDK_TARGET, METRICS_IN_PROCESS_TARGET,
        METRICS_NETTY_TARGET, TRACING_ROW);
    assertThat(writeReport()).contains("| " + METRICS_IN_PROCESS_TARGET + " | metrics +0.77 µs"
        + " over off (p50 22.8 vs 22.0 µs) | met |\n| " + METRICS_NETTY_TARGET + " | metrics"
        + " +2.45 % over off (p50 107.0 vs 104.4 µs) | not met |\n| " + TRACING_ROW
        + " | in-process: metrics-tracing +3.58 µs");
  }

  @Test
  void metricsOverTheirLimitAreNotMetAndUnderThemAreMet() throws Exception {
    Fixtures.docs(docs);
    // in-process metrics p50 to 23.296 µs: +1.28 µs; Netty metrics p50 to 106.112: +1.59 %
    replaceInFixture(ResultFiles.CALL_TELEMETRY, "\"50.0\": 22.784", "\"50.0\": 23.296");
    replaceInFixture(ResultFiles.CALL_TELEMETRY, "\"50.0\": 107.008", "\"50.0\": 106.112");

    ReportData data = ReportData.load(docs);

    assertThat(target(data, METRICS_IN_PROCESS_TARGET)).isEqualTo(new TargetRow(
        METRICS_IN_PROCESS_TARGET, "metrics +1.28 µs over off (p50 23.3 vs 22.0 µs)",
        "not met"));
    assertThat(target(data, METRICS_NETTY_TARGET)).isEqualTo(new TargetRow(METRICS_NETTY_TARGET,
        "metrics +1.59 % over off (p50 106.1 vs 104.4 µs)", "met"));
    assertThat(target(data, TRACING_ROW).verdict()).isEqualTo("reported");
  }

  @Test
  void aMissingTelemetryResultIsNotRunInTheSectionAndTheTargets() throws Exception {
    Fixtures.docs(docs);
    Files.delete(docs.resolve("bench").resolve(ResultFiles.CALL_TELEMETRY));

    String report = writeReport();

    assertThat(report).contains("## Telemetry (µs per blocking unary call, metrics and traces on"
        + " vs off)\n\n`TelemetryCallBenchmark`");
    assertThat(report).contains("The last two columns compare each p50 with `off`'s.\n\n"
        + "Not run (no call-telemetry.json).\n\n## Dubbo 3 over Triple, side by side");
    assertThat(report).doesNotContain("### In-process");
    assertThat(report).contains("| " + METRICS_IN_PROCESS_TARGET + " | no call-telemetry.json"
        + " | not run |\n| " + METRICS_NETTY_TARGET + " | no call-telemetry.json | not run |\n| "
        + TRACING_ROW + " | no call-telemetry.json | not run |\n");
    assertThat(report).contains("| `switchboard-tls` | Switchboard, mutual TLS | 123.1 ± 3.4");
  }

  @Test
  void aTelemetryResultWithoutOffSaysWhatIsMissing() throws Exception {
    Fixtures.docs(docs);
    Path file = docs.resolve("bench").resolve(ResultFiles.CALL_TELEMETRY);
    String json = Files.readString(file);
    String nettyOff = "\"transport\": \"netty\",\n            \"telemetry\": \"off\"";
    assertThat(json).containsOnlyOnce(nettyOff);
    Files.writeString(file, json.replace(nettyOff, nettyOff.replace("\"off\"", "\"other\"")));

    String report = writeReport();

    assertThat(report).contains("| `off` | nothing installed (baseline) | not run | not run"
        + " | not run | not run | not run | not run |\n"
        + "| `metrics` | metrics | 115.6 ± 2.9 | 107.0 | 204.8 | 16,561 | not run | not run |");
    ReportData data = ReportData.load(docs);
    assertThat(target(data, METRICS_NETTY_TARGET)).isEqualTo(new TargetRow(METRICS_NETTY_TARGET,
        "Netty loopback metrics and off in call-telemetry.json", "not run"));
    assertThat(target(data, METRICS_IN_PROCESS_TARGET).verdict()).isEqualTo("met");
    assertThat(target(data, TRACING_ROW)).isEqualTo(new TargetRow(TRACING_ROW,
        "in-process: metrics-tracing +3.58 µs, +16.3 % over off (p50 25.6 vs 22.0 µs); not run:"
            + " Netty loopback metrics-tracing and off in call-telemetry.json", "reported"));
  }

  @Test
  void withoutASuiteRecordTheReproduceSectionHasTheTelemetryStepsCommand() throws Exception {
    String report = writeReport();

    assertThat(report).contains("- call-telemetry: blocking unary call latency, telemetry off,"
        + " metrics, metrics and tracing, with allocation (-prof gc)\n"
        + "  `java -cp jmh/target/benchmarks.jar org.openjdk.jmh.Main"
        + " 'dev\\.switchboard\\.jmh\\.call\\.TelemetryCallBenchmark\\.'"
        + " -f 1 -wi 2 -w 1s -i 3 -r 1s -t 1 -prof gc -foe true -rf json -rff "
        + Path.of("docs", "bench", "call-telemetry.json") + "`\n");
    assertThat(report.indexOf("- call-telemetry: ")).isGreaterThan(
        report.indexOf("- call-tls-jdk: ")).isLessThan(report.indexOf("- hash-quality: "));
  }

  private static final String HEAD_TO_HEAD_TARGET = "the same, head to head (raw grpc-java and"
      + " Switchboard calling at once in one fork): throughput ≥ 0.95 ×";

  @Test
  void headToHeadIsTabledAndJudgedOnEachPairsRatio() throws Exception {
    Fixtures.docs(docs);

    String report = writeReport();

    assertThat(report).contains("## Head to head over Netty (calls per second)")
        .contains("| 1 + 1 threads | `switchboard` | 4,167 ± 427 | `raw-deadline` | 4,216 ± 380"
            + " | 0.99× |")
        .contains("| 4 + 4 threads | `switchboard-lean` | 8,677 ± 1,853 | `raw` | 8,699 ± 1,887"
            + " | 1.00× |");
    assertThat(target(ReportData.load(docs), HEAD_TO_HEAD_TARGET)).isEqualTo(new TargetRow(
        HEAD_TO_HEAD_TARGET, "1 + 1 threads: switchboard 0.99× raw-deadline (4,167 vs 4,216"
            + " calls/s); 4 + 4 threads: switchboard 0.99× raw-deadline (6,930 vs 6,993"
            + " calls/s); 4 + 4 threads: switchboard-lean 1.00× raw (8,677 vs 8,699 calls/s)",
        "met"));
  }

  @Test
  void aHeadToHeadPairBelowTheRatioIsNotMetAndAMissingRunSaysSo() throws Exception {
    Fixtures.docs(docs);
    Path file = docs.resolve("bench").resolve(ResultFiles.CALL_HEAD_TO_HEAD);
    // The full stack's score in the 4 + 4 group, lowered to 0.9 × its baseline's.
    String json = Files.readString(file);
    String slower = json.replace("\"score\" : 6929.778973732731", "\"score\" : 6293.688");
    assertThat(slower).isNotEqualTo(json);
    Files.writeString(file, slower);

    assertThat(target(ReportData.load(docs), HEAD_TO_HEAD_TARGET).verdict())
        .isEqualTo("not met");

    Files.delete(file);
    assertThat(target(ReportData.load(docs), HEAD_TO_HEAD_TARGET).measured())
        .contains("call-head-to-head.json");
  }

  private static final String DUBBO_THROUGHPUT_TARGET = "Switchboard ≥ 1.5 × Dubbo Triple's"
      + " throughput (1 thread, 8 threads, async 64 in flight)";
  private static final String DUBBO_P50_TARGET = "Switchboard p50 ≤ 0.7 × Dubbo Triple's p50";

  @Test
  void dubboSectionHasEveryStackWithRatiosToDubboTriple() throws Exception {
    Fixtures.docs(docs);

    String report = writeReport();

    String section = report.substring(report.indexOf("## Dubbo 3 over Triple, side by side"),
        report.indexOf("## Hash quality"));
    assertThat(section).contains("Measured: 1 fork, 2 × 1 s warm-up, 3 × 1 s measured.\n\n"
        + "| stack | mean, µs | p50, µs | p99, µs | p50 ÷ Dubbo | 1 thread, calls/s | ÷ Dubbo"
        + " | 8 threads, calls/s | ÷ Dubbo | async 64 in flight, calls/s | ÷ Dubbo |\n");
    assertThat(section).contains("| `dubbo-triple` | 281.2 ± 9.4 | 250.9 | 612.4 | 1.00×"
        + " | 3,512 ± 121 | 1.00× | 9,805 ± 402 | 1.00× | 7,101 ± 300 | 1.00× |\n");
    // p50 167.424 / 250.880; 5,987.2 / 3,512.4, 13,220.9 / 9,804.6, 11,204.8 / 7,101.3 calls/s
    assertThat(section).contains("| `switchboard` | 181.7 ± 5.0 | 167.4 | 330.8 | 0.67×"
        + " | 5,987 ± 210 | 1.70× | 13,221 ± 530 | 1.35× | 11,205 ± 388 | 1.58× |\n");
    assertThat(report.indexOf("## Dubbo 3")).isGreaterThan(report.indexOf("## Telemetry"));
  }

  @Test
  void dubboTargetsJudgeSwitchboardAndShowTheLeanStack() throws Exception {
    Fixtures.docs(docs);

    ReportData data = ReportData.load(docs);

    assertThat(target(data, DUBBO_THROUGHPUT_TARGET)).isEqualTo(new TargetRow(
        DUBBO_THROUGHPUT_TARGET, "1 thread: switchboard 1.70× dubbo-triple (5,987 vs 3,512"
            + " calls/s; switchboard-lean 1.95×, 6,840 calls/s); 8 threads: switchboard 1.35×"
            + " dubbo-triple (13,221 vs 9,805 calls/s; switchboard-lean 1.43×, 14,002 calls/s);"
            + " async 64 in flight: switchboard 1.58× dubbo-triple (11,205 vs 7,101 calls/s;"
            + " switchboard-lean 1.62×, 11,530 calls/s)", "not met"));
    assertThat(target(data, DUBBO_P50_TARGET)).isEqualTo(new TargetRow(DUBBO_P50_TARGET,
        "switchboard 0.67× dubbo-triple (p50 167.4 vs 250.9 µs; switchboard-lean 0.56×,"
            + " 140.5 µs)", "met"));
  }

  @Test
  void aQuickDubboRunWithoutTheOtherStacksIsJudgedOnSwitchboardAlone() throws Exception {
    Fixtures.docs(docs);
    // the 8-thread throughput to 15,000 calls/s: 1.53×; the lean stack not run
    replaceInFixture(ResultFiles.CALL_DUBBO_TRIPLE, "\"score\": 13220.9", "\"score\": 15000.0");
    Path file = docs.resolve("bench").resolve(ResultFiles.CALL_DUBBO_TRIPLE);
    Files.writeString(file, Files.readString(file).replace("switchboard-lean", "not-run"));

    ReportData data = ReportData.load(docs);

    assertThat(target(data, DUBBO_THROUGHPUT_TARGET).verdict()).isEqualTo("met");
    assertThat(target(data, DUBBO_THROUGHPUT_TARGET).measured()).contains("8 threads:"
        + " switchboard 1.53× dubbo-triple (15,000 vs 9,805 calls/s); async").doesNotContain(
            "switchboard-lean");
    assertThat(writeReport()).contains("| `switchboard-lean` | not run | not run | not run"
        + " | not run | not run | not run | not run | not run | not run | not run |");
  }

  @Test
  void aMissingDubboResultIsNotRun() throws Exception {
    Fixtures.docs(docs);
    Files.delete(docs.resolve("bench").resolve(ResultFiles.CALL_DUBBO_TRIPLE));

    String report = writeReport();

    assertThat(report).contains("over `dubbo-triple`'s.\n\nNot run (no call-dubbo-triple.json)."
        + "\n\n## Hash quality");
    assertThat(report).contains("| " + DUBBO_THROUGHPUT_TARGET + " | no call-dubbo-triple.json"
        + " | not run |\n| " + DUBBO_P50_TARGET + " | no call-dubbo-triple.json | not run |\n");
  }

  private static final String CONVERGE_TARGET = "1,000 services × 10 instances: a new consumer"
      + " converges ≤ 2 s";
  private static final String RECONVERGE_TARGET = "after a ZooKeeper restart the existing"
      + " consumer re-converges ≤ 2 s";
  private static final String HEAP_TARGET = "≤ 50 MB of heap for that view";
  private static final String REGISTER_TARGET = "10,000 instances register ≤ 10 s against a"
      + " 3-node ensemble";

  @Test
  void aQuickRunsTwoHundredServicesDoNotJudgeTheScaleTargets() throws Exception {
    Fixtures.docs(docs);

    String report = writeReport();

    for (String target : List.of(CONVERGE_TARGET, RECONVERGE_TARGET, HEAP_TARGET,
        REGISTER_TARGET)) {
      assertThat(report).contains("| " + target + " | quick run: 200 services | not run |");
    }
    assertThat(report).contains("### 200 services × 10 instances, 3-node ensemble");
  }

  @Test
  void theScaleTargetsAreJudgedAtOneThousandServices() throws Exception {
    Fixtures.docs(docs);
    String timings = Fixtures.text(ResultFiles.DISCOVERY);
    Files.writeString(docs.resolve("bench").resolve(ResultFiles.DISCOVERY),
        timings.substring(0, timings.indexOf("### 200")) + DiscoveryTableTest.SCALE);

    ReportData data = ReportData.load(docs);

    assertThat(target(data, CONVERGE_TARGET)).isEqualTo(new TargetRow(CONVERGE_TARGET,
        "a new consumer 1.27 s; another after the ensemble restarted 1.19 s", "met"));
    assertThat(target(data, RECONVERGE_TARGET)).isEqualTo(new TargetRow(RECONVERGE_TARGET,
        "1.42 s after its session reconnected (2.54 s after the ensemble restarted, the rest"
            + " being ZooKeeper's reconnect); meanwhile it published at least 10 of 10 instances"
            + " for every service", "met"));
    assertThat(target(data, HEAP_TARGET)).isEqualTo(new TargetRow(HEAP_TARGET,
        "consumer heap 9.90 MB", "met"));
    assertThat(target(data, REGISTER_TARGET)).isEqualTo(new TargetRow(REGISTER_TARGET,
        "registering 12.9 s through 100 sessions, the ensemble warm; the warm-up round before"
            + " it, the JVM cold (its servers' code compiling on the same cores), 15.4 s",
        "not met"));
  }

  @Test
  void anOlderSingleServerScaleTableJudgesOnlyWhatItHas() throws Exception {
    Fixtures.docs(docs);
    Files.writeString(docs.resolve("bench").resolve(ResultFiles.DISCOVERY), Fixtures.OLDER_SCALE_TABLE);

    ReportData data = ReportData.load(docs);

    assertThat(target(data, HEAP_TARGET).verdict()).isEqualTo("met");
    assertThat(target(data, REGISTER_TARGET)).isEqualTo(new TargetRow(REGISTER_TARGET,
        "no ensemble stated in discovery.md (an older run on one server)", "not run"));
    assertThat(target(data, CONVERGE_TARGET)).isEqualTo(new TargetRow(CONVERGE_TARGET,
        "a new consumer: no row in discovery.md, another after the ensemble restarted: no row"
            + " in discovery.md", "not run"));
    assertThat(target(data, RECONVERGE_TARGET).measured())
        .isEqualTo("no re-read after a restart in discovery.md");
  }

  @Test
  void zoneAndSubsettingSimulationsAreEmbeddedAndReported() throws Exception {
    Fixtures.docs(docs);

    String report = writeReport();

    assertThat(report).contains("## Zone-aware routing (simulation)\n\n`ZoneSimulation`");
    assertThat(report).contains("Cross-zone is the share of requests sent to zone B.\n\nSeed 42;"
        + " 500 requests a second");
    assertThat(report).contains("## Subsetting (computed)\n\n`SubsetSimulation`");
    assertThat(report).contains("| random (rendezvous hashing) | 10 | 0 | 24 | 10.0 | 2.40"
        + " | 10.3 % |");
    assertThat(report.indexOf("## Zone-aware")).isGreaterThan(report.indexOf("## Tail latency"))
        .isLessThan(report.indexOf("## Subsetting"));
    assertThat(report.indexOf("## Subsetting")).isLessThan(report.indexOf("## Discovery"));
    List<TargetRow> zones = Targets.compute(ReportData.load(docs)).stream()
        .filter(row -> row.target().startsWith("zone-aware routing vs zone-blind")).toList();
    assertThat(zones).extracting(TargetRow::target).containsExactly(
        "zone-aware routing vs zone-blind (simulation, no target): one of zone A's three"
            + " backends fails every call fast",
        "zone-aware routing vs zone-blind (simulation, no target): two of zone A's three"
            + " backends fail every call fast",
        "zone-aware routing vs zone-blind (simulation, no target): zone A is 3× slower (every"
            + " backend, no failures)");
    assertThat(zones).allSatisfy(row -> assertThat(row.verdict()).isEqualTo("reported"));
    assertThat(zones.get(0).measured()).startsWith("sb-wrr: zone-aware 0.0 % cross-zone, p99"
        + " 9.31 ms; zone-blind 59.9 %, 10.2 ms; sb-least-request: zone-aware 0.0 %");
    assertThat(zones.get(2).measured()).contains("sb-peak-ewma: zone-aware 0.0 % cross-zone,"
        + " p99 27.4 ms; zone-blind 72.6 %, 24.0 ms");
    String subsets = "subsetting at C = N = 1,000: connections per provider, random"
        + " (rendezvous) subsets as Switchboard ships them (no target)";
    assertThat(target(ReportData.load(docs), subsets)).isEqualTo(new TargetRow(subsets,
        "k = 10: max 24, mean 10.0 (max ÷ mean 2.40×); k = 20: max 35, mean 20.0 (max ÷ mean"
            + " 1.75×); k = 50: max 77, mean 50.0 (max ÷ mean 1.54×)", "reported"));
  }

  @Test
  void theHeaderNamesEachRerunWithItsStepsTimeAndCommand() throws Exception {
    Instant started = Instant.parse("2026-11-26T21:00:00Z");
    MachineInfo machine = new MachineInfo("Test CPU", 2, "8.0 GiB", "Test OS", "Test JDK");
    SuiteRecord.StepRecord pick = new SuiteRecord.StepRecord("pick-1t", "pick cost",
        "bench/pick-1t.json", "java pick", 53, 61);
    SuiteRecord.StepRecord dubbo = new SuiteRecord.StepRecord("dubbo-triple", "Dubbo",
        "bench/call-dubbo-triple.json", "java dubbo", 91, 95);
    Instant rerun = Instant.parse("2026-12-02T10:00:00Z");
    new SuiteRecord("full", "jmh/bench --full", "java suite --full", started,
        started.plusSeconds(500), machine, List.of(pick), null)
        .withRerun(new SuiteRecord("quick", "jmh/bench --only dubbo-triple,pick-1t",
            "java suite --only dubbo-triple,pick-1t", rerun, rerun.plusSeconds(160),
            new MachineInfo("Other CPU", 4, "16 GiB", "Test OS", "Other JDK"),
            List.of(pick, dubbo), null))
        .write(Files.createDirectories(docs.resolve("bench")).resolve(ResultFiles.SUITE_RUN));

    String report = writeReport();

    assertThat(report).contains("| mode | full |\n| command | `jmh/bench --full`, i.e. `java"
        + " suite --full` |\n| run | 2026-11-26 21:00:00 UTC to 2026-11-26 21:08:20 UTC (8 min"
        + " 20 s; steps 1 min 01 s, estimated 53 s) |\n| re-run | steps pick-1t, dubbo-triple at"
        + " 2026-12-02 10:00:00 UTC to 2026-12-02 10:02:40 UTC (2 min 40 s), quick mode, on"
        + " Other CPU (4 cores), Other JDK: `jmh/bench --only dubbo-triple,pick-1t`, i.e. `java"
        + " suite --only dubbo-triple,pick-1t` |\n| CPU | Test CPU,");
    assertThat(report).contains("- pick-1t: pick cost, [bench/pick-1t.json](bench/pick-1t.json)"
        + " (re-run at 2026-12-02 10:00:00 UTC, took 1 min 01 s, estimated 53 s)\n"
        + "  `java pick`\n- dubbo-triple: Dubbo, [bench/call-dubbo-triple.json]"
        + "(bench/call-dubbo-triple.json) (re-run at 2026-12-02 10:00:00 UTC, took 1 min 35 s,"
        + " estimated 1 min 31 s)\n  `java dubbo`\n");
    assertThat(SuiteRecord.read(docs.resolve("bench").resolve(ResultFiles.SUITE_RUN)).reruns())
        .singleElement().satisfies(r -> assertThat(r.machine().cpu()).isEqualTo("Other CPU"));
  }
}
