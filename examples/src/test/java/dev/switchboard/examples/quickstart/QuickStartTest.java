package dev.switchboard.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's first command, minus the JVM launch: embedded ZooKeeper, 3 providers, 1:2:3. */
@Timeout(120)
class QuickStartTest {

  @Test
  void splitsCallsOneTwoThree() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();

    Map<String, Integer> servedBy = QuickStart.run(null, 600,
        new PrintStream(captured, true, StandardCharsets.UTF_8));

    assertThat(servedBy.get("provider-1")).isBetween(90, 110);
    assertThat(servedBy.get("provider-2")).isBetween(190, 210);
    assertThat(servedBy.get("provider-3")).isBetween(290, 310);
    String output = captured.toString(StandardCharsets.UTF_8);
    assertThat(output).contains("Started an embedded ZooKeeper", "provider-3",
        "Shut down cleanly.");
  }

  @Test
  void splitsCallsOneTwoThreeOverMutualTls(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();

    Map<String, Integer> servedBy = QuickStart.run(null, 600,
        dev.switchboard.examples.tls.DemoTls.in(dir),
        new PrintStream(captured, true, StandardCharsets.UTF_8));

    assertThat(servedBy.get("provider-1")).isBetween(90, 110);
    assertThat(servedBy.get("provider-3")).isBetween(290, 310);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("mutual TLS as spiffe://switchboard.demo/greeter");
    assertThat(dir.resolve("ca.pem")).exists();
  }

  @Test
  void withAMetricsPortTheSplitIsVisibleInPrometheusText() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();

    QuickStart.run(null, 600, null, 0, new PrintStream(captured, true, StandardCharsets.UTF_8));

    String output = captured.toString(StandardCharsets.UTF_8);
    assertThat(output).containsPattern("Metrics \\(Prometheus text\\) at http://127\\.0\\.0\\.1:\\d+/metrics");
    java.util.List<String> picks = output.lines()
        .filter(line -> line.startsWith("switchboard_lb_picks_total{")).toList();
    assertThat(picks).hasSize(3).allSatisfy(line -> assertThat(line)
        .contains("switchboard_instance=\"127.0.0.1-").contains("grpc_target=\""));
    double total = picks.stream()
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
    assertThat(total).isGreaterThanOrEqualTo(600); // the calls, and those of the discovery wait
  }
}
