package dev.switchboard.jmh.report;

import dev.switchboard.jmh.call.HeadToHeadBenchmark;
import dev.switchboard.jmh.sim.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * The performance targets of the benchmark-suite issue, issue 11's TLS overhead target and issue
 * 12's telemetry targets, each judged from the results (never from figures written here): met,
 * not met, not run, or not yet (with what is missing). Judged on JMH's point estimates; the
 * sections show the ± intervals. The TLS target is judged on Netty's default TLS implementation
 * ({@code call-tls}); the JDK's ({@code call-tls-jdk}) gets a row of its own, so neither decides
 * the other's verdict. The telemetry targets judge {@code metrics} against {@code off} in
 * {@code call-telemetry}, in-process in µs added and over Netty in % added;
 * {@code metrics-tracing} has no target and gets an informational row, {@code reported} (or
 * {@code not run}), with its figures on both transports. The Dubbo targets judge
 * {@code switchboard} against {@code dubbo-triple} ({@code switchboard-lean} shown for
 * information); the discovery scale targets need the scale table at 1,000 services × 10
 * instances (a quick run's 200 services are not run); the zone-aware routing and subsetting
 * simulations get informational rows. Stateless.
 */
final class Targets {
  /** The endpoint count the pick targets are set at. */
  static final String PICK_N = "1000";
  static final double NETTY_P50_RATIO = 1.05;
  static final double NETTY_THROUGHPUT_RATIO = 0.95;
  static final double IN_PROCESS_ADDED_MICROS = 2;
  /** Issue 11: Switchboard's mutual TLS over raw grpc-java's, as a fraction of the latter. */
  static final double TLS_P50_OVERHEAD = 0.05;
  /** Issue 12: what metrics add to the full stack's p50 in-process, in µs. */
  static final double METRICS_IN_PROCESS_ADDED_MICROS = 1;
  /** Issue 12: what metrics add to the full stack's p50 over Netty, as a fraction of off's. */
  static final double METRICS_NETTY_P50_OVERHEAD = 0.02;
  static final double PICK_NS = 20;
  static final double HASH_PICK_NS = 30;
  static final double FASTER_THAN_GRPC = 3;
  static final double FASTER_THAN_DUBBO = 10;
  static final int HASH_BALANCE_N = 100;
  static final double HASH_MAX_OVER_AVG = 1.05;
  static final double MAGLEV_REMOVAL_TIMES_N = 2;
  static final double SLOW_BACKEND_P99_RATIO = 1.2;
  static final double FIRST_PICK_MILLIS = 100;
  static final double BROKEN_SHARE_LOAD_AWARE = Report.BROKEN_SHARE_LOAD_AWARE;
  static final double BROKEN_SHARE_EJECTED = Report.BROKEN_SHARE_EJECTED;
  static final double IN_PROCESS_ADDED_BYTES = 1000;
  static final double DUBBO_THROUGHPUT_RATIO = 1.5;
  static final double DUBBO_P50_RATIO = 0.7;
  static final int SCALE_SERVICES = 1000;
  static final int SCALE_INSTANCES = 10;
  static final int SCALE_ENSEMBLE = 3;
  static final double SCALE_CONVERGE_SECONDS = 2;
  static final double SCALE_HEAP_MEGABYTES = 50;
  static final double SCALE_REGISTER_SECONDS = 10;
  /** The subsetting row's fleet: C = N. */
  static final int SUBSET_FLEET = 1000;
  /** The zone simulation's scenario with nothing degraded, which gets no row. */
  private static final String ZONES_HEALTHY = "both zones healthy";

  private static final String TAIL_PEAK_EWMA = "sb-peak-ewma";
  private static final String QUEUEING = "queueing";

  private Targets() {}

  /** Returns every target, judged from {@code data}. */
  static List<TargetRow> compute(ReportData data) {
    List<TargetRow> rows = new ArrayList<>(List.of(nettyP50(data), nettyThroughput(data),
        nettyHeadToHead(data),
        inProcessAdded(data), inProcessBytes(data),
        tlsOverhead(data.tls(), "Switchboard over grpc-java with the same mutual TLS settings:"
            + " p50 overhead ≤ " + Fmt.limit(100 * TLS_P50_OVERHEAD) + " %"),
        tlsOverhead(data.tlsJdk(), "the same on the JDK's TLS (" + TlsProvider.JDK.how("`")
            + ")"),
        metricsInProcess(data.telemetry()), metricsNetty(data.telemetry()),
        tracingReported(data.telemetry()), dubboThroughput(data.dubbo()), dubboP50(data.dubbo()),
        pickCost(data), hashPickCost(data), fasterThanGrpc(data), fasterThanDubbo(data),
        hashBalance(data), hashRemoval(data), slowBackend(data), stability(data),
        brokenShare(data, true), brokenShare(data, false)));
    rows.addAll(zoneRouting(data.zoneSim()));
    rows.addAll(List.of(subsetting(data.subsetSim()), firstPick(data), scaleConverge(data),
        scaleReconverge(data), scaleHeap(data), scaleRegister(data)));
    return List.copyOf(rows);
  }

  /** Returns the targets section. */
  static String markdown(List<TargetRow> rows) {
    MarkdownTable table = new MarkdownTable("target", "measured", "verdict");
    for (TargetRow row : rows) {
      table.row(row.target(), row.measured(), row.verdict());
    }
    return "## Targets\n\nJudged from the results in this report, on JMH's point estimates (the"
        + " sections below give the ± intervals). Call targets compare like for like: the full"
        + " Switchboard stack (5 s deadline, retries, fallback) with raw grpc-java setting the"
        + " same deadline, the lean stack with bare raw grpc-java; over TLS, Switchboard's"
        + " mutual TLS with raw grpc-java's on the same certificates; telemetry's, the full"
        + " stack with metrics on against the same stack with telemetry off. A row judged"
        + " `reported` has no target: its figures are for information. Why a scale or speed"
        + " target is not met, and what was tried: [performance.md](performance.md), written"
        + " by hand after a run.\n\n" + table + "\n";
  }

  private static TargetRow nettyP50(ReportData data) {
    Check check = new Check("Netty: p50 ≤ " + Fmt.limit(NETTY_P50_RATIO)
        + " × raw grpc-java");
    if (!data.latency().present()) {
      return check.missing(data.latency().reason()).row();
    }
    for (String stack : List.of(CallStacks.FULL, CallStacks.LEAN)) {
      Optional<Compared> p50s = p50s(data, CallStacks.NETTY, stack, check, "Netty");
      if (p50s.isEmpty()) {
        continue;
      }
      double p50 = p50s.get().ours();
      double baseP50 = p50s.get().base();
      check.figure(String.format(Locale.ROOT, "%s %s %s (p50 %s vs %s µs)", stack,
          Fmt.ratio(p50 / baseP50), p50s.get().baseStack(), Fmt.num(p50), Fmt.num(baseP50)),
          p50 / baseP50 <= NETTY_P50_RATIO);
    }
    return check.row();
  }

  /** A figure of a stack (or setting) and of its baseline, e.g. p50 latency in µs. */
  private record Compared(double ours, double base, String baseStack) {
    double ratio() {
      return ours / base;
    }

    double added() {
      return ours - base;
    }

    double overhead() {
      return ratio() - 1;
    }
  }

  /**
   * Returns the p50s of {@code stack} and its baseline over {@code transport}, or notes on
   * {@code check} that one is missing.
   */
  private static Optional<Compared> p50s(ReportData data, String transport, String stack,
      Check check, String transportName) {
    String base = CallStacks.baseline(stack).orElseThrow();
    Optional<JmhResult> ours = CallStacks.find(data.latency(), CallStacks.OVERHEAD, transport,
        stack);
    Optional<JmhResult> theirs = CallStacks.find(data.latency(), CallStacks.OVERHEAD,
        transport, base);
    if (ours.isEmpty() || theirs.isEmpty()) {
      check.missing(transportName + " latency of " + stack + " and " + base);
      return Optional.empty();
    }
    return Optional.of(new Compared(CallStacks.p50(ours.get()), CallStacks.p50(theirs.get()),
        base));
  }

  private static TargetRow nettyThroughput(ReportData data) {
    Check check = new Check("Netty: throughput ≥ " + Fmt.limit(NETTY_THROUGHPUT_RATIO)
        + " × raw grpc-java (1 and 8 threads, async 64 in flight)");
    throughput(check, "1 thread", data.throughput1(), CallStacks.OVERHEAD);
    throughput(check, "8 threads", data.throughput8(), CallStacks.OVERHEAD);
    throughput(check, "async 64", data.async(), CallStacks.THROUGHPUT);
    return check.row();
  }

  private static TargetRow nettyHeadToHead(ReportData data) {
    Check check = new Check("the same, head to head (raw grpc-java and Switchboard calling at"
        + " once in one fork): throughput ≥ " + Fmt.limit(NETTY_THROUGHPUT_RATIO) + " ×");
    if (!data.headToHead().present()) {
      return check.missing(data.headToHead().reason()).row();
    }
    for (HeadToHeadBenchmark.Pairing pairing : HeadToHeadBenchmark.PAIRINGS) {
      Optional<CallStacks.HeadToHead> pair =
          CallStacks.headToHead(data.headToHead().value(), pairing);
      if (pair.isEmpty()) {
        check.missing(pairing.threads() + " " + pairing.stack() + " and " + pairing.baseline());
        continue;
      }
      double ratio = pair.get().ratio();
      check.figure(String.format(Locale.ROOT, "%s: %s %s %s (%s vs %s calls/s)",
          pairing.threads(), pairing.stack(), Fmt.ratio(ratio), pairing.baseline(),
          Fmt.num(pair.get().stack().score()), Fmt.num(pair.get().baseline().score())),
          ratio >= NETTY_THROUGHPUT_RATIO);
    }
    return check.row();
  }

  private static void throughput(Check check, String what, Loaded<JmhResults> results,
      String benchmark) {
    if (!results.present()) {
      check.missing(what + " (" + results.reason() + ")");
      return;
    }
    List<String> parts = new ArrayList<>();
    boolean passes = true;
    for (String stack : List.of(CallStacks.FULL, CallStacks.LEAN)) {
      String base = CallStacks.baseline(stack).orElseThrow();
      Optional<JmhResult> ours = CallStacks.find(results, benchmark, CallStacks.NETTY, stack);
      Optional<JmhResult> theirs = CallStacks.find(results, benchmark, CallStacks.NETTY, base);
      if (ours.isEmpty() || theirs.isEmpty()) {
        check.missing(what + " " + stack + " and " + base);
        continue;
      }
      double ratio = ours.get().primary().score() / theirs.get().primary().score();
      parts.add(stack + " " + Fmt.ratio(ratio) + " " + base);
      passes &= ratio >= NETTY_THROUGHPUT_RATIO;
    }
    if (!parts.isEmpty()) {
      check.figure(what + ": " + String.join(", ", parts), passes);
    }
  }

  private static TargetRow inProcessBytes(ReportData data) {
    Check check = new Check("in-process: ≤ " + Fmt.limit(IN_PROCESS_ADDED_BYTES)
        + " B allocated per call added (-prof gc)");
    if (!data.latency().present()) {
      return check.missing(data.latency().reason()).row();
    }
    for (String stack : List.of(CallStacks.FULL, CallStacks.LEAN)) {
      String base = CallStacks.baseline(stack).orElseThrow();
      OptionalDouble ours = CallStacks.find(data.latency(), CallStacks.OVERHEAD,
          CallStacks.IN_PROCESS, stack).map(JmhResult::allocationPerOp)
          .orElse(OptionalDouble.empty());
      OptionalDouble theirs = CallStacks.find(data.latency(), CallStacks.OVERHEAD,
          CallStacks.IN_PROCESS, base).map(JmhResult::allocationPerOp)
          .orElse(OptionalDouble.empty());
      if (ours.isEmpty() || theirs.isEmpty()) {
        check.missing("in-process allocation of " + stack + " and " + base);
        continue;
      }
      double added = ours.getAsDouble() - theirs.getAsDouble();
      check.figure(String.format(Locale.ROOT, "%s %s B vs %s (%s vs %s B/op)", stack,
          Fmt.signed(added), base, Fmt.num(ours.getAsDouble()), Fmt.num(theirs.getAsDouble())),
          added <= IN_PROCESS_ADDED_BYTES);
    }
    return check.row();
  }

  private static TargetRow inProcessAdded(ReportData data) {
    Check check = new Check("in-process: ≤ " + Fmt.limit(IN_PROCESS_ADDED_MICROS)
        + " µs added per call (p50)");
    if (!data.latency().present()) {
      return check.missing(data.latency().reason()).row();
    }
    for (String stack : List.of(CallStacks.FULL, CallStacks.LEAN)) {
      Optional<Compared> p50s = p50s(data, CallStacks.IN_PROCESS, stack, check, "in-process");
      if (p50s.isEmpty()) {
        continue;
      }
      double added = p50s.get().ours() - p50s.get().base();
      check.figure(String.format(Locale.ROOT, "%s %s µs vs %s (p50 %s vs %s µs)", stack,
          Fmt.signed(added), p50s.get().baseStack(), Fmt.num(p50s.get().ours()),
          Fmt.num(p50s.get().base())), added <= IN_PROCESS_ADDED_MICROS);
    }
    return check.row();
  }

  /**
   * Judges the p50 of {@code switchboard-tls} over {@code raw-tls} in {@code run}, naming the
   * TLS implementation as {@link TlsRun#label()} knows it.
   */
  private static TargetRow tlsOverhead(TlsRun run, String target) {
    Check check = new Check(target);
    if (!run.results().present()) {
      return check.missing(run.results().reason()).row();
    }
    Optional<JmhResult> ours = CallStacks.findTls(run.results(), CallStacks.TLS_SWITCHBOARD);
    Optional<JmhResult> theirs = CallStacks.findTls(run.results(), CallStacks.TLS_RAW);
    if (ours.isEmpty() || theirs.isEmpty()) {
      return check.missing(CallStacks.TLS_SWITCHBOARD + " and " + CallStacks.TLS_RAW + " in "
          + run.provider().resultFile()).row();
    }
    double p50 = CallStacks.p50(ours.get());
    double baseP50 = CallStacks.p50(theirs.get());
    double overhead = p50 / baseP50 - 1;
    return check.figure(String.format(Locale.ROOT, "%s: %s %s %% over %s (p50 %s vs %s µs)",
        run.label(), CallStacks.TLS_SWITCHBOARD, Fmt.signed(100 * overhead), CallStacks.TLS_RAW,
        Fmt.num(p50), Fmt.num(baseP50)), overhead <= TLS_P50_OVERHEAD).row();
  }

  /**
   * Returns the p50s of {@code telemetry} and {@code off} over {@code transport}, or empty if
   * either is missing.
   */
  private static Optional<Compared> telemetryP50s(Loaded<JmhResults> results,
      String transport, String telemetry) {
    Optional<JmhResult> ours = CallStacks.findTelemetry(results, transport, telemetry);
    Optional<JmhResult> off = CallStacks.findTelemetry(results, transport,
        CallStacks.TELEMETRY_OFF);
    if (ours.isEmpty() || off.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Compared(CallStacks.p50(ours.get()), CallStacks.p50(off.get()),
        CallStacks.TELEMETRY_OFF));
  }

  /** Returns e.g. {@code in-process metrics and off in call-telemetry.json}. */
  private static String missingTelemetry(String transport, String telemetry) {
    return CallStacks.label(transport) + " " + telemetry + " and " + CallStacks.TELEMETRY_OFF
        + " in " + ResultFiles.CALL_TELEMETRY;
  }

  private static TargetRow metricsInProcess(Loaded<JmhResults> results) {
    Check check = new Check("metrics on, in-process: ≤ "
        + Fmt.limit(METRICS_IN_PROCESS_ADDED_MICROS) + " µs added per call (p50) over off");
    if (!results.present()) {
      return check.missing(results.reason()).row();
    }
    Optional<Compared> p50s = telemetryP50s(results, CallStacks.IN_PROCESS,
        CallStacks.TELEMETRY_METRICS);
    if (p50s.isEmpty()) {
      return check.missing(missingTelemetry(CallStacks.IN_PROCESS, CallStacks.TELEMETRY_METRICS))
          .row();
    }
    Compared p = p50s.get();
    return check.figure(String.format(Locale.ROOT, "%s %s µs over %s (p50 %s vs %s µs)",
        CallStacks.TELEMETRY_METRICS, Fmt.signed(p.added()), CallStacks.TELEMETRY_OFF,
        Fmt.num(p.ours()), Fmt.num(p.base())), p.added() <= METRICS_IN_PROCESS_ADDED_MICROS)
        .row();
  }

  private static TargetRow metricsNetty(Loaded<JmhResults> results) {
    Check check = new Check("metrics on, over Netty: ≤ "
        + Fmt.limit(100 * METRICS_NETTY_P50_OVERHEAD) + " % added (p50) over off");
    if (!results.present()) {
      return check.missing(results.reason()).row();
    }
    Optional<Compared> p50s = telemetryP50s(results, CallStacks.NETTY,
        CallStacks.TELEMETRY_METRICS);
    if (p50s.isEmpty()) {
      return check.missing(missingTelemetry(CallStacks.NETTY, CallStacks.TELEMETRY_METRICS))
          .row();
    }
    Compared p = p50s.get();
    return check.figure(String.format(Locale.ROOT, "%s %s %% over %s (p50 %s vs %s µs)",
        CallStacks.TELEMETRY_METRICS, Fmt.signed(100 * p.overhead()), CallStacks.TELEMETRY_OFF,
        Fmt.num(p.ours()), Fmt.num(p.base())), p.overhead() <= METRICS_NETTY_P50_OVERHEAD).row();
  }

  /**
   * Returns the informational row of {@code metrics-tracing}, which has no target: what it adds
   * to {@code off}'s p50 on each transport, in µs and %; {@code reported}, or {@code not run}
   * without a figure.
   */
  private static TargetRow tracingReported(Loaded<JmhResults> results) {
    Check check = Check.reported("tracing on with a no-op exporter (no target)");
    if (!results.present()) {
      return check.missing(results.reason()).row();
    }
    for (String transport : CallStacks.TRANSPORTS) {
      Optional<Compared> p50s = telemetryP50s(results, transport,
          CallStacks.TELEMETRY_TRACING);
      if (p50s.isEmpty()) {
        check.missing(missingTelemetry(transport, CallStacks.TELEMETRY_TRACING));
        continue;
      }
      Compared p = p50s.get();
      check.figure(String.format(Locale.ROOT, "%s: %s %s µs, %s %% over %s (p50 %s vs %s µs)",
          CallStacks.label(transport), CallStacks.TELEMETRY_TRACING, Fmt.signed(p.added()),
          Fmt.signed(100 * p.overhead()), CallStacks.TELEMETRY_OFF, Fmt.num(p.ours()),
          Fmt.num(p.base())));
    }
    return check.row();
  }

  private static TargetRow pickCost(ReportData data) {
    Check check = new Check("pick ≤ " + Fmt.limit(PICK_NS) + " ns at N=" + PICK_N
        + ", 0 B/op (weighted, two-choice)");
    if (!data.pick1().present()) {
      return check.missing(data.pick1().reason()).row();
    }
    for (String policy : List.of(PickPolicies.WRR, PickPolicies.RANDOM,
        PickPolicies.LEAST_REQUEST, PickPolicies.PEAK_EWMA)) {
      pick(check, data, policy, PICK_NS);
    }
    return check.row();
  }

  private static TargetRow hashPickCost(ReportData data) {
    Check check = new Check("consistent-hash pick ≤ " + Fmt.limit(HASH_PICK_NS) + " ns at N="
        + PICK_N + ", 0 B/op (key hashing included)");
    if (!data.pick1().present()) {
      return check.missing(data.pick1().reason()).row();
    }
    pick(check, data, PickPolicies.HASH, HASH_PICK_NS);
    return check.row();
  }

  private static void pick(Check check, ReportData data, String policy, double limit) {
    Optional<JmhResult> result = PickPolicies.pick(data.pick1().value(), policy, PICK_N);
    if (result.isEmpty()) {
      check.missing(policy);
      return;
    }
    double ns = result.get().primary().score();
    boolean fast = ns <= limit;
    if (result.get().allocationPerOp().isEmpty()) {
      check.figure(policy + " " + Fmt.num(ns) + " ns", fast)
          .missing(policy + " B/op (-prof gc)");
      return;
    }
    double bytes = result.get().allocationPerOp().getAsDouble();
    check.figure(policy + " " + Fmt.num(ns) + " ns, " + Fmt.bytes(bytes) + " B/op",
        fast && bytes < 0.5);
  }

  private static TargetRow fasterThanGrpc(ReportData data) {
    Check check = new Check("≥ " + Fmt.limit(FASTER_THAN_GRPC) + " × faster than grpc-java's"
        + " weighted and hashing pickers (N=" + PICK_N + ")");
    if (!data.pick1().present()) {
      return check.missing(data.pick1().reason()).row();
    }
    for (String policy : List.of(PickPolicies.WRR, PickPolicies.RANDOM, PickPolicies.HASH)) {
      faster(check, data, policy, PickPolicies.PICK, PickPolicies.GRPC.get(policy),
          FASTER_THAN_GRPC);
    }
    return check.row();
  }

  private static TargetRow fasterThanDubbo(ReportData data) {
    Check check = new Check("≥ " + Fmt.limit(FASTER_THAN_DUBBO) + " × faster than Dubbo's"
        + " balancers (N=" + PICK_N + ")");
    if (!data.pick1().present()) {
      return check.missing(data.pick1().reason()).row();
    }
    for (String policy : PickPolicies.SWITCHBOARD) {
      faster(check, data, policy, PickPolicies.DUBBO_PICK, PickPolicies.DUBBO.get(policy),
          FASTER_THAN_DUBBO);
    }
    return check.row();
  }

  private static void faster(Check check, ReportData data, String policy, String benchmark,
      String counterpart, double limit) {
    JmhResults results = data.pick1().value();
    Optional<JmhResult> ours = PickPolicies.pick(results, policy, PICK_N);
    Optional<JmhResult> theirs = benchmark.equals(PickPolicies.PICK)
        ? PickPolicies.pick(results, counterpart, PICK_N)
        : PickPolicies.dubbo(results, counterpart, PICK_N);
    if (ours.isEmpty() || theirs.isEmpty()) {
      check.missing(policy + " vs " + counterpart);
      return;
    }
    double ratio = theirs.get().primary().score() / ours.get().primary().score();
    check.figure(policy + " " + Fmt.ratio(ratio) + " vs " + counterpart, ratio >= limit);
  }

  private static TargetRow hashBalance(ReportData data) {
    Check check = new Check("consistent hash: max/avg keys ≤ " + Fmt.limit(HASH_MAX_OVER_AVG)
        + " at N=" + HASH_BALANCE_N);
    Optional<HashQualityTable.Row> row = data.hashQuality().present()
        ? data.hashQuality().value().row(PickPolicies.HASH, HASH_BALANCE_N) : Optional.empty();
    if (row.isEmpty()) {
      check.missing(data.hashQuality().present() ? "N=" + HASH_BALANCE_N
          : data.hashQuality().reason());
    } else {
      check.figure(String.format(Locale.ROOT, "%.3f", row.get().maxOverAvg()),
          row.get().maxOverAvg() <= HASH_MAX_OVER_AVG);
    }
    return check.row();
  }

  private static TargetRow hashRemoval(ReportData data) {
    Check check = new Check("removing 1 of N moves ≤ " + Fmt.limit(MAGLEV_REMOVAL_TIMES_N)
        + "/N of the keys (Maglev; ≤ 1.1/N would apply to a ring mode, which Switchboard does"
        + " not have)");
    List<HashQualityTable.Row> rows = data.hashQuality().present()
        ? data.hashQuality().value().rows(PickPolicies.HASH) : List.of();
    if (rows.isEmpty()) {
      check.missing(data.hashQuality().present() ? "no " + PickPolicies.HASH + " rows"
          : data.hashQuality().reason());
    }
    for (HashQualityTable.Row row : rows) {
      check.figure(String.format(Locale.ROOT, "N=%d: %.2f/N", row.endpoints(),
          row.removedMovedTimesN()), row.removedMovedTimesN() <= MAGLEV_REMOVAL_TIMES_N);
    }
    return check.row();
  }

  private static TargetRow slowBackend(ReportData data) {
    Check check = new Check("one slow backend of 10: p99 ≤ "
        + Fmt.limit(SLOW_BACKEND_P99_RATIO) + " × healthy p99 with peak EWMA (simulation)");
    List<TailSimResults.Run> runs = data.tailSim().present()
        ? data.tailSim().value().runs().stream()
            .filter(r -> r.slowCluster() && r.balancer().equals(TAIL_PEAK_EWMA)).toList()
        : List.of();
    if (runs.isEmpty()) {
      check.missing(data.tailSim().present() ? "no peak EWMA run" : data.tailSim().reason());
    }
    for (TailSimResults.Run run : runs) {
      check.figure(run.model() + " " + Fmt.ratio(run.p99OverHealthy()),
          run.p99OverHealthy() <= SLOW_BACKEND_P99_RATIO);
    }
    return check.row();
  }

  private static TargetRow stability(ReportData data) {
    Check check = new Check("no default policy unstable in the queueing model (simulation)");
    List<TailSimResults.Run> runs = data.tailSim().present()
        ? data.tailSim().value().runs().stream()
            .filter(r -> r.model().equals(QUEUEING) && r.switchboardDefault()).toList()
        : List.of();
    if (runs.isEmpty()) {
      return check.missing(data.tailSim().present() ? "no queueing run"
          : data.tailSim().reason()).row();
    }
    List<String> unstable = runs.stream().filter(TailSimResults.Run::unstable)
        .map(r -> r.label() + " (" + (r.slowCluster() ? "slow" : "healthy") + " cluster)")
        .toList();
    long policies = runs.stream().map(TailSimResults.Run::balancer).distinct().count();
    return check.figure(unstable.isEmpty() ? "none of " + policies + " default policies"
        : "unstable: " + String.join(", ", unstable), unstable.isEmpty()).row();
  }

  /**
   * The share of calls an instance that fails every call fast receives after its first second:
   * ≤ 5 % under least-request and peak EWMA ({@code loadAware}), ≈ 0 under the static balancers
   * once failure accrual has removed it.
   */
  private static TargetRow brokenShare(ReportData data, boolean loadAware) {
    Check check = new Check(loadAware
        ? "an instance failing every call fast: ≤ " + Fmt.num(100 * BROKEN_SHARE_LOAD_AWARE)
            + " % of calls after its first second, least-request and peak EWMA (simulation)"
        : "the same under the static balancers: ≤ " + Fmt.num(100 * BROKEN_SHARE_EJECTED)
            + " % once failure accrual removed it (simulation)");
    List<TailSimResults.FailureRun> runs = data.tailSim().present()
        ? data.tailSim().value().failures().stream()
            .filter(r -> r.fault().equals("fails-fast") && r.switchboardDefault()
                && (r.balancer().equals("sb-least-request") || r.balancer().equals(TAIL_PEAK_EWMA))
                == loadAware)
            .toList()
        : List.of();
    if (runs.isEmpty()) {
      return check.missing(data.tailSim().present() ? "no failure simulation run"
          : data.tailSim().reason()).row();
    }
    double limit = loadAware ? BROKEN_SHARE_LOAD_AWARE : BROKEN_SHARE_EJECTED;
    for (TailSimResults.FailureRun run : runs) {
      check.figure(String.format(Locale.ROOT, "%s %s %.1f %%", run.label(), run.load(),
          100 * run.shareAfter()), run.shareAfter() <= limit);
    }
    return check.row();
  }

  private static TargetRow firstPick(ReportData data) {
    Check check = new Check("registration → first pick ≤ " + Fmt.limit(FIRST_PICK_MILLIS)
        + " ms (every round: judged on the max)");
    if (!data.discovery().present() || data.discovery().value().firstPickMax().isEmpty()) {
      return check.missing(data.discovery().present() ? "no registration row"
          : data.discovery().reason()).row();
    }
    DiscoveryTable table = data.discovery().value();
    double max = table.firstPickMax().getAsDouble();
    if (Double.isInfinite(max)) {
      return check.figure("in a round of " + table.rounds() + " the new provider was never"
          + " picked", false).row();
    }
    return check.figure(String.format(Locale.ROOT, "max %s ms over %d rounds (p50 %s ms)",
        Fmt.num(max), table.rounds(), Fmt.num(table.firstPickP50().orElse(Double.NaN))),
        max <= FIRST_PICK_MILLIS).row();
  }

  private static TargetRow dubboThroughput(Loaded<JmhResults> results) {
    Check check = new Check("Switchboard ≥ " + Fmt.limit(DUBBO_THROUGHPUT_RATIO) + " × Dubbo"
        + " Triple's throughput (1 thread, 8 threads, async 64 in flight)");
    if (!results.present()) {
      return check.missing(results.reason()).row();
    }
    ToDoubleFunction<JmhResult> score = r -> r.primary().score();
    for (CallStacks.Rate rate : CallStacks.DUBBO_RATES) {
      Optional<Compared> full = overDubbo(results, rate.method(), CallStacks.FULL, score);
      if (full.isEmpty()) {
        check.missing(rate.label() + " " + CallStacks.FULL + " and " + CallStacks.DUBBO_TRIPLE);
        continue;
      }
      Compared c = full.get();
      check.figure(String.format(Locale.ROOT, "%s: %s %s %s (%s vs %s calls/s%s)", rate.label(),
          CallStacks.FULL, Fmt.ratio(c.ratio()), c.baseStack(), Fmt.num(c.ours()),
          Fmt.num(c.base()), lean(results, rate.method(), score, "calls/s")),
          c.ratio() >= DUBBO_THROUGHPUT_RATIO);
    }
    return check.row();
  }

  private static TargetRow dubboP50(Loaded<JmhResults> results) {
    Check check = new Check("Switchboard p50 ≤ " + Fmt.limit(DUBBO_P50_RATIO) + " × Dubbo"
        + " Triple's p50");
    if (!results.present()) {
      return check.missing(results.reason()).row();
    }
    Optional<Compared> full = overDubbo(results, CallStacks.DUBBO_LATENCY, CallStacks.FULL,
        CallStacks::p50);
    if (full.isEmpty()) {
      return check.missing("latency of " + CallStacks.FULL + " and " + CallStacks.DUBBO_TRIPLE)
          .row();
    }
    Compared c = full.get();
    return check.figure(String.format(Locale.ROOT, "%s %s %s (p50 %s vs %s µs%s)",
        CallStacks.FULL, Fmt.ratio(c.ratio()), c.baseStack(), Fmt.num(c.ours()),
        Fmt.num(c.base()), lean(results, CallStacks.DUBBO_LATENCY, CallStacks::p50, "µs")),
        c.ratio() <= DUBBO_P50_RATIO).row();
  }

  /** Returns {@code stack}'s figure of {@code method} and {@code dubbo-triple}'s. */
  private static Optional<Compared> overDubbo(Loaded<JmhResults> results, String method,
      String stack, ToDoubleFunction<JmhResult> figure) {
    Optional<JmhResult> ours = CallStacks.findDubbo(results, method, stack);
    Optional<JmhResult> dubbo = CallStacks.findDubbo(results, method, CallStacks.DUBBO_TRIPLE);
    if (ours.isEmpty() || dubbo.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Compared(figure.applyAsDouble(ours.get()),
        figure.applyAsDouble(dubbo.get()), CallStacks.DUBBO_TRIPLE));
  }

  /** Returns e.g. {@code ; switchboard-lean 2.30×, 1,234 calls/s}, or nothing if not run. */
  private static String lean(Loaded<JmhResults> results, String method,
      ToDoubleFunction<JmhResult> figure, String unit) {
    return overDubbo(results, method, CallStacks.LEAN, figure).map(c -> "; " + CallStacks.LEAN
        + " " + Fmt.ratio(c.ratio()) + ", " + Fmt.num(c.ours()) + " " + unit).orElse("");
  }

  /** One informational row per degraded scenario: cross-zone share and p99 by routing. */
  private static List<TargetRow> zoneRouting(Loaded<ZoneSimTable> zones) {
    String target = "zone-aware routing vs zone-blind (simulation, no target): ";
    if (!zones.present()) {
      return List.of(Check.reported(target + "zone A degraded").missing(zones.reason()).row());
    }
    List<TargetRow> rows = new ArrayList<>();
    for (String scenario : zones.value().scenarios()) {
      if (scenario.equals(ZONES_HEALTHY)) {
        continue;
      }
      Check check = Check.reported(target + scenario);
      List<ZoneSimTable.Row> runs = zones.value().rows().stream()
          .filter(r -> r.scenario().equals(scenario)).toList();
      for (String balancer : runs.stream().map(ZoneSimTable.Row::balancer).distinct().toList()) {
        Optional<ZoneSimTable.Row> aware = runs.stream()
            .filter(r -> r.balancer().equals(balancer) && r.zoneAware()).findFirst();
        Optional<ZoneSimTable.Row> blind = runs.stream()
            .filter(r -> r.balancer().equals(balancer) && !r.zoneAware()).findFirst();
        if (aware.isEmpty() || blind.isEmpty()) {
          check.missing(balancer + " zone-aware and zone-blind");
          continue;
        }
        check.figure(String.format(Locale.ROOT, "%s: zone-aware %.1f %% cross-zone, p99 %s ms;"
            + " zone-blind %.1f %%, %s ms", balancer, 100 * aware.get().crossZone(),
            Fmt.num(aware.get().p99Millis()), 100 * blind.get().crossZone(),
            Fmt.num(blind.get().p99Millis())));
      }
      rows.add(check.row());
    }
    return rows;
  }

  private static TargetRow subsetting(Loaded<SubsetSimTable> subsets) {
    Check check = Check.reported(String.format(Locale.ROOT, "subsetting at C = N = %,d:"
        + " connections per provider, random (rendezvous) subsets as Switchboard ships them"
        + " (no target)", SUBSET_FLEET));
    if (!subsets.present()) {
      return check.missing(subsets.reason()).row();
    }
    SubsetSimTable table = subsets.value();
    if (table.clients() != SUBSET_FLEET || table.providers() != SUBSET_FLEET) {
      return check.missing(String.format(Locale.ROOT, "run at C = %,d, N = %,d",
          table.clients(), table.providers())).row();
    }
    for (SubsetSimTable.Row row : table.rows()) {
      if (row.random()) {
        check.figure(String.format(Locale.ROOT, "k = %d: max %d, mean %s (max ÷ mean %s)",
            row.k(), row.max(), Fmt.num(row.mean()), Fmt.ratio(row.max() / row.mean())));
      }
    }
    return check.row();
  }

  /**
   * Returns the discovery timings' scale table if it was measured at the targets' size, or
   * notes on {@code check} why not.
   */
  private static Optional<DiscoveryTable.Scale> scale(ReportData data, Check check) {
    if (!data.discovery().present()) {
      check.missing(data.discovery().reason());
      return Optional.empty();
    }
    Optional<DiscoveryTable.Scale> scale = data.discovery().value().scale();
    if (scale.isEmpty()) {
      check.missing("no scale table in " + ResultFiles.DISCOVERY);
    } else if (scale.get().services() < SCALE_SERVICES) {
      check.missing("quick run: " + scale.get().services() + " services");
    } else if (scale.get().services() != SCALE_SERVICES
        || scale.get().instances() != SCALE_INSTANCES) {
      check.missing(String.format(Locale.ROOT, "run at %,d services × %d instances",
          scale.get().services(), scale.get().instances()));
    } else {
      return scale;
    }
    return Optional.empty();
  }

  /** Adds {@code what}'s {@code value} judged against {@code limit}, or notes it missing. */
  private static void atMost(Check check, String what, OptionalDouble value, String unit,
      double limit) {
    if (value.isEmpty()) {
      check.missing(what + ": no row in " + ResultFiles.DISCOVERY);
    } else {
      check.figure(what + " " + Fmt.num(value.getAsDouble()) + " " + unit,
          value.getAsDouble() <= limit);
    }
  }

  private static TargetRow scaleConverge(ReportData data) {
    Check check = new Check(String.format(Locale.ROOT, "%,d services × %d instances: a new"
        + " consumer converges ≤ %s s", SCALE_SERVICES, SCALE_INSTANCES,
        Fmt.limit(SCALE_CONVERGE_SECONDS)));
    scale(data, check).ifPresent(s -> {
      atMost(check, "a new consumer", s.convergeSeconds(), "s", SCALE_CONVERGE_SECONDS);
      atMost(check, "another after the ensemble restarted", s.lateConvergeSeconds(), "s",
          SCALE_CONVERGE_SECONDS);
    });
    return check.row();
  }

  private static TargetRow scaleReconverge(ReportData data) {
    Check check = new Check("after a ZooKeeper restart the existing consumer re-converges ≤ "
        + Fmt.limit(SCALE_CONVERGE_SECONDS) + " s");
    scale(data, check).ifPresent(s -> {
      if (s.rereadSeconds().isEmpty() || s.reconnectSeconds().isEmpty()) {
        check.missing("no re-read after a restart in " + ResultFiles.DISCOVERY);
        return;
      }
      double reread = s.rereadSeconds().getAsDouble();
      check.figure(String.format(Locale.ROOT, "%s s after its session reconnected (%s s after"
          + " the ensemble restarted, the rest being ZooKeeper's reconnect)%s", Fmt.num(reread),
          Fmt.num(s.reconnectSeconds().getAsDouble() + reread), s.fewest().isEmpty() ? ""
              : String.format(Locale.ROOT, "; meanwhile it published at least %d of %d"
                  + " instances for every service", s.fewest().getAsInt(), s.fewestOf())),
          reread <= SCALE_CONVERGE_SECONDS);
    });
    return check.row();
  }

  private static TargetRow scaleHeap(ReportData data) {
    Check check = new Check("≤ " + Fmt.limit(SCALE_HEAP_MEGABYTES) + " MB of heap for that view");
    scale(data, check).ifPresent(s -> atMost(check, "consumer heap", s.heapMegabytes(), "MB",
        SCALE_HEAP_MEGABYTES));
    return check.row();
  }

  private static TargetRow scaleRegister(ReportData data) {
    Check check = new Check(String.format(Locale.ROOT, "%,d instances register ≤ %s s against"
        + " a %d-node ensemble", SCALE_SERVICES * SCALE_INSTANCES,
        Fmt.limit(SCALE_REGISTER_SECONDS), SCALE_ENSEMBLE));
    scale(data, check).ifPresent(s -> {
      if (s.ensemble() != SCALE_ENSEMBLE) {
        check.missing(s.ensemble() == 0 ? "no ensemble stated in " + ResultFiles.DISCOVERY
            + " (an older run on one server)" : "run on a " + s.ensemble() + "-node ensemble");
        return;
      }
      boolean warmedUp = s.coldRegisterSeconds().isPresent();
      atMost(check, "registering", s.registerSeconds(), "s through " + s.sessions()
          + " sessions" + (warmedUp ? ", the ensemble warm" : ""), SCALE_REGISTER_SECONDS);
      s.coldRegisterSeconds().ifPresent(cold -> check.figure("the warm-up round before it, the"
          + " JVM cold (its servers' code compiling on the same cores), " + Fmt.num(cold) + " s"));
    });
    return check.row();
  }
}
