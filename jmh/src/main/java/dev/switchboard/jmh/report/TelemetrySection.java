package dev.switchboard.jmh.report;

import java.util.Map;
import java.util.Optional;

/**
 * The report's telemetry section: for each transport, the blocking-call latency and allocation
 * of the full Switchboard stack with telemetry off (the baseline), with metrics on, and with
 * metrics and tracing on, with the µs each adds to the baseline's p50 and the ratio to it.
 * Stateless.
 */
final class TelemetrySection {
  private static final Map<String, String> LABELS = Map.of(
      CallStacks.TELEMETRY_OFF, "nothing installed (baseline)",
      CallStacks.TELEMETRY_METRICS, "metrics",
      CallStacks.TELEMETRY_TRACING, "metrics and traces, no-op exporter");

  private TelemetrySection() {}

  /** Returns the section from the {@code call-telemetry} results. */
  static String markdown(Loaded<JmhResults> results) {
    StringBuilder out = new StringBuilder(
        "## Telemetry (µs per blocking unary call, metrics and traces on vs off)\n\n");
    out.append("`TelemetryCallBenchmark`, sample mode, with `-prof gc`: the full Switchboard"
        + " stack (`switchboard` of `CallOverheadBenchmark`) on each transport, client-side"
        + " telemetry in three settings in one run: `off` nothing installed, the baseline;"
        + " `metrics` gRPC's A66 metrics, its retry and subchannel metrics and Switchboard's own"
        + " on an OpenTelemetry SDK meter provider with the Prometheus reader, as `metricsPort`"
        + " sets up (never scraped during the run); `metrics-tracing` the same plus gRPC's A72"
        + " spans, batched to an exporter that drops them (the cost of making spans, not of"
        + " shipping them). B/call is `-prof gc`'s allocation per call, client and server"
        + " together. The last two columns compare each p50 with `off`'s.\n\n");
    if (!CallSection.measured(out, results)) {
      return out.toString();
    }
    for (String transport : CallStacks.TRANSPORTS) {
      transport(out, results, transport);
    }
    return out.toString();
  }

  private static void transport(StringBuilder out, Loaded<JmhResults> results,
      String transport) {
    out.append("### ").append(Fmt.capitalized(CallStacks.label(transport))).append("\n\n");
    Optional<JmhResult> off = CallStacks.findTelemetry(results, transport,
        CallStacks.TELEMETRY_OFF);
    MarkdownTable table = new MarkdownTable("telemetry", "", "mean", "p50", "p99", "B/call",
        "p50 added, µs", "p50 ÷ off");
    for (String telemetry : CallStacks.TELEMETRY_SETTINGS) {
      Optional<JmhResult> result = CallStacks.findTelemetry(results, transport, telemetry);
      if (result.isEmpty()) {
        table.row("`" + telemetry + "`", LABELS.get(telemetry), "not run", "not run", "not run",
            "not run", "not run", "not run");
        continue;
      }
      JmhResult r = result.get();
      double p50 = CallStacks.p50(r);
      table.row("`" + telemetry + "`", LABELS.get(telemetry),
          Fmt.withError(r.primary().score(), r.primary().error()), Fmt.num(p50),
          Fmt.num(r.percentile(99.0).orElse(Double.NaN)),
          Fmt.bytes(r.allocationPerOp().orElse(Double.NaN)),
          telemetry.equals(CallStacks.TELEMETRY_OFF) ? "—"
              : off.map(b -> Fmt.signed(p50 - CallStacks.p50(b))).orElse("not run"),
          off.map(b -> Fmt.ratio(p50 / CallStacks.p50(b))).orElse("not run"));
    }
    out.append(table).append('\n');
  }
}
