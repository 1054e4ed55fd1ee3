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
}
