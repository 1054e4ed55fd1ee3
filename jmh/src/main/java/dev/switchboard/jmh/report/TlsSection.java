package dev.switchboard.jmh.report;

import java.util.Map;
import java.util.Optional;

/**
 * The report's transport-security section: for each TLS implementation, the blocking-call
 * latency of raw grpc-java plaintext, raw grpc-java mutual TLS (the baseline) and Switchboard's
 * mutual TLS, with the ratio to the baseline's p50 and the µs added. Stateless.
 */
final class TlsSection {
  private static final Map<String, String> LABELS = Map.of(
      CallStacks.TLS_PLAINTEXT, "raw grpc-java, plaintext",
      CallStacks.TLS_RAW, "raw grpc-java, mutual TLS (baseline)",
      CallStacks.TLS_SWITCHBOARD, "Switchboard, mutual TLS");

  private TlsSection() {}

  /** Returns the section from the runs on Netty's default TLS and on the JDK's. */
  static String markdown(TlsRun... runs) {
    StringBuilder out = new StringBuilder(
        "## Transport security (µs per blocking unary call over TLS)\n\n");
    out.append("`TlsCallBenchmark`, sample mode, one Greeter server over Netty on loopback, the"
        + " three stacks in one run: `raw-plaintext` plain grpc-java without TLS; `raw-tls` plain"
        + " grpc-java with `TlsChannelCredentials` and `TlsServerCredentials`, mutual TLS with the"
        + " secure quick start's demo certificates: the baseline; `switchboard-tls` an"
        + " `RpcClient` stub with `ClientTls` (server identity check, certificate file watching)"
        + " on the same TLS server, found through a memory registry. Handshakes happen in the"
        + " set-up and warm-up: this is the steady-state cost per call. Run once per TLS"
        + " implementation: Netty's default (BoringSSL via netty-tcnative, on the class path)"
        + " and the JDK's (`-Dio.netty.handler.ssl.noOpenSsl=true` in the forked JVMs). The"
        + " implementation named is the one the benchmark printed, from the step's captured"
        + " output; without that output only what the step is meant to run is known. The last"
        + " two columns compare each p50 with `raw-tls`'s: for `raw-plaintext` (negative) what"
        + " mutual TLS itself costs, for `switchboard-tls` what Switchboard adds to it.\n\n");
    for (TlsRun run : runs) {
      provider(out, run);
    }
    return out.toString();
  }

  private static void provider(StringBuilder out, TlsRun run) {
    TlsProvider provider = run.provider();
    out.append("### ").append(Fmt.capitalized(provider.expected())).append(" (`")
        .append(provider.step()).append("`, ").append(provider.how("`")).append(")\n\n");
    Loaded<JmhResults> results = run.results();
    if (!results.present()) {
      out.append(results.sentence()).append("\n\n");
      return;
    }
    out.append(run.sentence());
    results.value().iterations().ifPresent(i -> out.append(" Measured: ").append(i)
        .append('.'));
    out.append("\n\n");
    Optional<JmhResult> baseline = CallStacks.findTls(results, CallStacks.TLS_RAW);
    MarkdownTable table = new MarkdownTable("stack", "", "mean", "p50", "p99",
        "p50 ÷ raw-tls", "p50 added, µs");
    for (String stack : CallStacks.TLS_STACKS) {
      Optional<JmhResult> result = CallStacks.findTls(results, stack);
      if (result.isEmpty()) {
        table.row("`" + stack + "`", LABELS.get(stack), "not run", "not run", "not run",
            "not run", "not run");
        continue;
      }
      JmhResult r = result.get();
      double p50 = CallStacks.p50(r);
      table.row("`" + stack + "`", LABELS.get(stack),
          Fmt.withError(r.primary().score(), r.primary().error()), Fmt.num(p50),
          Fmt.num(r.percentile(99.0).orElse(Double.NaN)),
          baseline.map(b -> Fmt.ratio(p50 / CallStacks.p50(b))).orElse("not run"),
          stack.equals(CallStacks.TLS_RAW) ? "—"
              : baseline.map(b -> Fmt.signed(p50 - CallStacks.p50(b))).orElse("not run"));
    }
    out.append(table).append('\n');
  }
}
