package dev.switchboard.jmh.report;

import dev.switchboard.jmh.call.HeadToHeadBenchmark;
import java.util.Optional;

/**
 * The report's call sections: blocking-call latency and allocation per stack and transport, with
 * ratios to raw grpc-java and the µs Switchboard adds; throughput on 1 and 8 threads and async
 * with 64 in flight, with ratios to the like-for-like raw stack; and the raw grpc-java baseline
 * for normalising across machines. Stateless.
 */
final class CallSection {
  private CallSection() {}

  /** Returns the raw grpc-java baseline paragraph. */
  static String baseline(ReportData data) {
    StringBuilder out = new StringBuilder("Raw grpc-java baseline on this machine, for"
        + " normalising (divide a figure from another machine by that machine's baseline):");
    boolean any = false;
    for (String transport : CallStacks.TRANSPORTS) {
      Optional<JmhResult> raw = CallStacks.find(data.latency(), CallStacks.OVERHEAD, transport,
          CallStacks.RAW);
      if (raw.isPresent()) {
        out.append(any ? "; " : " ").append(CallStacks.label(transport)).append(" blocking call")
            .append(" p50 ").append(Fmt.num(CallStacks.p50(raw.get()))).append(" µs");
        any = true;
      }
      Optional<JmhResult> async = CallStacks.find(data.async(), CallStacks.THROUGHPUT,
          transport, CallStacks.RAW);
      if (async.isPresent()) {
        out.append(any ? "; " : " ").append(CallStacks.label(transport))
            .append(" async, 64 in flight, ").append(Fmt.num(async.get().primary().score()))
            .append(" calls/s");
        any = true;
      }
    }
    return any ? out.append(".\n").toString()
        : "Raw grpc-java baseline: not run (" + data.latency().reason() + ").\n";
  }

  /** Returns the latency section. */
  static String latency(Loaded<JmhResults> latency) {
    StringBuilder out = new StringBuilder("## Call overhead (µs per blocking unary call)\n\n");
    out.append("`CallOverheadBenchmark`, sample mode, one Greeter server, the same transport for"
        + " every stack, in one run: `raw` is a plain grpc-java channel (pick_first; retry"
        + " enabled, as grpc-java has it on every transport but in-process, where it would"
        + " otherwise lack the retry machinery's 2 KB a call that raw calls over Netty carry),"
        + " `raw-deadline` the same with a 5 s deadline per call; `switchboard` the full stack"
        + " (over Netty an `RpcClient` stub: registry resolver, smooth WRR, 5 s default deadline,"
        + " retries with failover and budget, cacheable fallback, hash-key capture; in-process the"
        + " same balancer, service config and interceptors on an in-process channel with direct"
        + " executors); `switchboard-lean` the same without deadline, retry or fallback. Each"
        + " Switchboard stack is compared like for like: the full stack with `raw-deadline`, the"
        + " lean one with `raw`. B/call is `-prof gc`'s allocation per call, client and server"
        + " together.\n\n");
    if (!measured(out, latency)) {
      return out.toString();
    }
    MarkdownTable table = new MarkdownTable("transport", "stack", "mean", "p50", "p99",
        "B/call", "p50 ÷ raw", "compared with", "p50 added, µs", "B/call added");
    for (String transport : CallStacks.TRANSPORTS) {
      Optional<JmhResult> raw = CallStacks.find(latency, CallStacks.OVERHEAD, transport,
          CallStacks.RAW);
      for (String stack : CallStacks.STACKS) {
        Optional<JmhResult> result = CallStacks.find(latency, CallStacks.OVERHEAD, transport,
            stack);
        if (result.isEmpty()) {
          continue;
        }
        JmhResult r = result.get();
        Optional<String> baselineStack = CallStacks.baseline(stack);
        Optional<JmhResult> baseline = baselineStack.flatMap(b -> CallStacks.find(latency,
            CallStacks.OVERHEAD, transport, b));
        table.row(CallStacks.label(transport), stack,
            Fmt.withError(r.primary().score(), r.primary().error()),
            Fmt.num(CallStacks.p50(r)), Fmt.num(r.percentile(99.0).orElse(Double.NaN)),
            Fmt.bytes(r.allocationPerOp().orElse(Double.NaN)),
            raw.map(b -> Fmt.ratio(CallStacks.p50(r) / CallStacks.p50(b))).orElse("not run"),
            baselineStack.orElse("—"),
            baselineStack.isEmpty() ? "—" : baseline.map(b -> Fmt.signed(CallStacks.p50(r)
                - CallStacks.p50(b))).orElse("not run"),
            baselineStack.isEmpty() ? "—" : baseline.map(b -> Fmt.signedBytes(
                r.allocationPerOp().orElse(Double.NaN) - b.allocationPerOp().orElse(Double.NaN)))
                .orElse("not run"));
      }
    }
    return out.append(table.isEmpty() ? "No rows.\n" : table.toString()).append('\n')
        .toString();
  }

  /** Returns the throughput section. */
  static String throughput(Loaded<JmhResults> oneThread, Loaded<JmhResults> eightThreads,
      Loaded<JmhResults> async) {
    StringBuilder out = new StringBuilder("## Call throughput (calls per second)\n\n");
    out.append("Blocking calls: `CallOverheadBenchmark -bm thrpt` on 1 and on 8 threads. Async:"
        + " `CallThroughputBenchmark`, async stubs with at most 64 calls in flight, one sending"
        + " thread (in-process, direct executors complete each call before it returns, so"
        + " that column is the CPU cost of an async call). In brackets: the ratio to the"
        + " like-for-like raw stack (full with `raw-deadline`, lean with `raw`).\n\n");
    settings(out, "blocking, 1 thread", oneThread);
    settings(out, "blocking, 8 threads", eightThreads);
    settings(out, "async, 64 in flight", async);
    out.append('\n');
    if (!oneThread.present() && !eightThreads.present() && !async.present()) {
      return out.toString();
    }
    MarkdownTable table = new MarkdownTable("transport", "stack", "blocking, 1 thread",
        "blocking, 8 threads", "async, 64 in flight", "B/call (async)", "compared with");
    for (String transport : CallStacks.TRANSPORTS) {
      for (String stack : CallStacks.STACKS) {
        if (CallStacks.find(oneThread, CallStacks.OVERHEAD, transport, stack).isEmpty()
            && CallStacks.find(eightThreads, CallStacks.OVERHEAD, transport, stack).isEmpty()
            && CallStacks.find(async, CallStacks.THROUGHPUT, transport, stack).isEmpty()) {
          continue;
        }
        table.row(CallStacks.label(transport), stack,
            cell(oneThread, CallStacks.OVERHEAD, transport, stack),
            cell(eightThreads, CallStacks.OVERHEAD, transport, stack),
            cell(async, CallStacks.THROUGHPUT, transport, stack),
            CallStacks.find(async, CallStacks.THROUGHPUT, transport, stack)
                .map(r -> Fmt.bytes(r.allocationPerOp().orElse(Double.NaN))).orElse("—"),
            CallStacks.baseline(stack).orElse("—"));
      }
    }
    return out.append(table).append('\n').toString();
  }

  /** Returns the head-to-head section: both stacks of a pair calling at once in one fork. */
  static String headToHead(Loaded<JmhResults> results) {
    StringBuilder out = new StringBuilder("## Head to head over Netty (calls per second)\n\n");
    out.append("`HeadToHeadBenchmark`, throughput mode: in each group a raw grpc-java stack and"
        + " its like-for-like Switchboard stack make blocking calls at the same time in one"
        + " fork, each on its own loopback server and connection, so that whatever the machine"
        + " does meanwhile falls on both alike. The two share the cores: read the ratio, not"
        + " the absolute figures.\n\n");
    if (!measured(out, results)) {
      return out.toString();
    }
    MarkdownTable table = new MarkdownTable("threads", "stack", "calls/s", "baseline",
        "calls/s", "ratio");
    for (HeadToHeadBenchmark.Pairing pairing : HeadToHeadBenchmark.PAIRINGS) {
      CallStacks.headToHead(results.value(), pairing).ifPresent(pair -> table.row(
          pairing.threads(), "`" + pairing.stack() + "`",
          Fmt.withError(pair.stack().score(), pair.stack().error()),
          "`" + pairing.baseline() + "`",
          Fmt.withError(pair.baseline().score(), pair.baseline().error()),
          Fmt.ratio(pair.ratio())));
    }
    return out.append(table).append('\n').toString();
  }

  /**
   * Appends how {@code results} were measured, or why there are none; returns whether there are
   * results to show.
   */
  static boolean measured(StringBuilder out, Loaded<JmhResults> results) {
    if (!results.present()) {
      out.append(results.sentence()).append("\n\n");
      return false;
    }
    results.value().iterations().ifPresent(i -> out.append("Measured: ").append(i)
        .append(".\n\n"));
    return true;
  }

  /** Appends a list item saying how {@code results} were measured. */
  static void settings(StringBuilder out, String what, Loaded<JmhResults> results) {
    out.append("- ").append(what).append(": ").append(JmhResults.measured(results)).append('\n');
  }

  private static String cell(Loaded<JmhResults> results, String benchmark, String transport,
      String stack) {
    Optional<JmhResult> result = CallStacks.find(results, benchmark, transport, stack);
    if (result.isEmpty()) {
      return "not run";
    }
    JmhResult r = result.get();
    String value = Fmt.withError(r.primary().score(), r.primary().error());
    Optional<JmhResult> baseline = CallStacks.baseline(stack)
        .flatMap(b -> CallStacks.find(results, benchmark, transport, b));
    return baseline.map(b -> value + " (" + Fmt.ratio(r.primary().score()
        / b.primary().score()) + ")").orElse(value);
  }
}
